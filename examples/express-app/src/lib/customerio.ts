// One Track client and one App client for the whole API process.
import { APIClient, RegionEU, RegionUS, TrackClient } from "customerio-node";

export const cio = new TrackClient(
  process.env.CUSTOMERIO_SITE_ID!,
  process.env.CUSTOMERIO_TRACK_API_KEY!,
  { region: RegionUS },
);

// The App API (transactional email) wants an App API key, not the Track key, and this
// workspace's data lives in one region, not two.
export const api = new APIClient(process.env.CUSTOMERIO_TRACK_API_KEY!, { region: RegionEU });
