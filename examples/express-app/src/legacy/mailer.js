// Written for customerio-node 2; package.json now asks for ^4, which has no default export.
const CIO = require("customerio-node");

const cio = new CIO(process.env.CUSTOMERIO_SITE_ID, process.env.CUSTOMERIO_TRACK_API_KEY);

async function sendWelcome(user) {
  await cio.track(user.id, { name: "Welcome Email Requested", data: { first_name: user.name } });
}

module.exports = { sendWelcome };
