import { NextResponse } from "next/server";
import { cio } from "../../../lib/customerio";

export async function POST(request: Request) {
  const body = (await request.json()) as { userId: string; email: string; plan: string };
  const user = { id: body.userId, email: body.email, plan: body.plan };

  // The event is tracked before the person exists, and the response waits for both calls.
  await cio.track(user.id, { name: "signed_up", data: { plan: user.plan } });
  // This identify creates the profile (created_at) but sends no email: nobody can mail them.
  await cio.identify(user.id, {
    plan: user.plan,
    created_at: new Date().getTime(),
  });

  return NextResponse.json({ ok: true }, { status: 201 });
}
