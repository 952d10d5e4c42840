import express from "express";
import { cio } from "./lib/customerio";
import { productsRouter } from "./routes/products";
import { createUser, findUser } from "./users";

const app = express();
app.use(express.json());
app.use("/products", productsRouter);

app.post("/signup", async (req, res) => {
  const user = await createUser(req.body);
  // The response waits for Customer.io, and the profile's created_at is in milliseconds.
  await cio.identify(user.id, {
    email: user.email,
    plan: user.plan,
    created_at: Date.now(),
  });
  res.status(201).json({ id: user.id });
});

app.post("/newsletter", async (req, res) => {
  // The person's id is their email address: it changes when they change it.
  await cio.identify(req.body.email, { email: req.body.email, newsletter: true });
  res.sendStatus(204);
});

app.post("/checkout", async (req, res) => {
  const user = await findUser(req.body.userId);
  const order = { id: req.body.orderId, total: req.body.total };
  res.json({ ok: true });
  // Fire and forget: a failed request is an unhandled rejection that ends the process.
  cio.track(user.id, {
    name: "order_placed",
    data: { order_id: order.id, total: order.total, placed_at: Math.floor(Date.now() / 1000) },
  });
});

app.post("/cancel", async (req, res) => {
  res.sendStatus(202);
  // Awaited after the response went out, with seconds: this one is fine.
  await cio.track(req.body.userId, {
    name: "order_cancelled",
    data: { order_id: req.body.orderId, cancelled_at: Math.floor(Date.now() / 1000) },
  });
});

app.listen(3000);
