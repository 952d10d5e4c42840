// Nightly job: copy every user's plan to Customer.io.
import { TrackClient, RegionUS } from "customerio-node";
import { allUsers } from "../users";

// The Site ID and Track API key pasted into the source (and so into git history).
const cio = new TrackClient("3f9c2a7b41d05e8c", "b7e1d94a0c3f58e26a1d", { region: RegionUS });

export async function backfillPlans() {
  const users = await allUsers();
  // Thousands of requests as fast as the loop runs: the Track API answers 429.
  for (const user of users) {
    await cio.identify(user.id, {
      email: user.email,
      plan: user.plan,
      plan_changed_at: user.createdAt.getTime(),
    });
  }
}

backfillPlans().catch((err) => {
  console.error(err);
  process.exit(1);
});
