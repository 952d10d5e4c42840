"use client";
// Browser-side tracking with Customer.io's CDP library.
import { AnalyticsBrowser } from "@customerio/cdp-analytics-browser";

// A write key is public in the browser bundle anyway, but it belongs in configuration
// (NEXT_PUBLIC_…) so that staging and production do not share one.
export const analytics = AnalyticsBrowser.load({ writeKey: "wk_9d3f1c7a2b6e4f08" });

export function trackCheckoutStarted(userId: string, cartTotal: number) {
  analytics.identify(userId, { last_checkout_at: new Date() }); // a Date object is fine for CDP
  analytics.track("Checkout Started", {
    cart_total: cartTotal,
    started_at: Date.now(), // but a milliseconds number is not
  });
}
