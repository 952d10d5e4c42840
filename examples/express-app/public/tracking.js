// Served to the browser after the Customer.io JavaScript snippet has loaded `_cio`.
window.addEventListener("DOMContentLoaded", () => {
  const user = window.__CURRENT_USER__;
  if (!user) return;
  // Email as the id, and created_at in milliseconds.
  _cio.identify({ id: user.email, email: user.email, created_at: Date.now() });
  _cio.track("Viewed Pricing", { plan: user.plan });
});
