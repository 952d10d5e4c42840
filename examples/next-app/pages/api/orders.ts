import type { NextApiRequest, NextApiResponse } from "next";
import { TrackClient, RegionUS } from "customerio-node";

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  // A new client (and new connections) for every request.
  const cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, process.env.CUSTOMERIO_TRACK_API_KEY!, {
    region: RegionUS,
  });
  const { userId, orderId, total } = req.body;
  // "Order Placed" here, "order_placed" in the Express API: two events for one thing.
  await cio.track(userId, {
    name: "Order Placed",
    data: { order_id: orderId, total },
    timestamp: Date.now(),
  });
  res.status(200).json({ orderId });
}
