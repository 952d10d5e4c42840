import { Router } from "express";
import { cio } from "../lib/customerio";

export const productsRouter = Router();

productsRouter.get("/:productId", (req, res) => {
  const userId = String(req.headers["x-user-id"]);
  // One event name per product: campaign triggers cannot match them all.
  cio
    .track(userId, { name: `viewed_${req.params.productId}`, data: { source: "api" } })
    .catch((err) => console.error("Customer.io call failed", err));
  res.json({ id: req.params.productId });
});

productsRouter.post("/:productId/wishlist", (req, res) => {
  const email = String(req.body.email);
  // Personal data in an event name is indexed forever and cannot be erased.
  cio
    .track(req.body.userId, { name: `wishlist_added_${email}`, data: {} })
    .catch((err) => console.error("Customer.io call failed", err));
  res.sendStatus(204);
});
