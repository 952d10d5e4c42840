//! The SDK call table: every method of every Customer.io client we recognise, which API it
//! talks to, and which of its arguments carry the values that rules read (person id, event
//! name, attributes, event data, timestamps, batched operations). The one place where an
//! SDK's call surface is written down; `CioCall` reads it, and `docs/sdk-calls.md` is
//! generated from it ([`supported_calls_markdown`], checked by a test).
//!
//! `customerio-node` rows follow the package's own type declarations (5.2.0: `TrackClient`,
//! `APIClient`, `PipelinesClient`); the other SDKs the catalog's "SDK shapes" table.

use super::sdk::Sdk;

/// What a call does, independent of the SDK's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Method {
    Identify,
    Track,
    TrackAnonymous,
    Page,
    Destroy,
    Suppress,
    Unsuppress,
    AddDevice,
    MergeCustomers,
    /// Several operations in one request (`batch([...])`) or one self-describing operation
    /// (`entity({...})`): the rules read each operation ([`Operations`]).
    Batch,
    /// App API and everything else (`sendEmail`, `getCustomersByEmail`, …).
    Other,
}

/// Where a request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// The Track API (rate limited; a write whose answer nobody needs).
    Track,
    /// A Track API call made for its answer (`getAccountRegion`).
    TrackRead,
    /// The App API (Bearer key): transactional messages, reads, administration.
    App,
    /// The Pipelines API (write key), one request per call.
    Pipelines,
    /// No request per call: the library queues and batches (browser, React Native, CDP node).
    Queued,
}

impl Api {
    fn describe(self) -> &'static str {
        match self {
            Api::Track => "Track",
            Api::TrackRead => "Track (read)",
            Api::App => "App",
            Api::Pipelines => "Pipelines",
            Api::Queued => "queued by the library",
        }
    }
}

/// Where a call carries one of the values the rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// Not in this call.
    None,
    /// The argument at this position, any expression.
    At(usize),
    /// The argument at this position when it is an object literal.
    ObjectAt(usize),
    /// The argument at this position unless it is an object literal (CDP browser
    /// `identify(userId, traits)`: a lone object is the traits of an anonymous visitor).
    NotObjectAt(usize),
    /// Property `key` of the object literal at this position.
    Key(usize, &'static str),
}

impl Arg {
    fn describe(self) -> String {
        match self {
            Arg::None => String::new(),
            Arg::At(i) => format!("{} argument", ordinal(i)),
            Arg::ObjectAt(i) => format!("{} argument (an object)", ordinal(i)),
            Arg::NotObjectAt(i) => format!("{} argument (not an object)", ordinal(i)),
            Arg::Key(i, key) => format!("`{key}` of the {} argument", ordinal(i)),
        }
    }
}

fn ordinal(index: usize) -> &'static str {
    ["1st", "2nd", "3rd", "4th", "5th"]
        .get(index)
        .copied()
        .unwrap_or("later")
}

/// Operations carried inside a call: `batch([op, …])` and `entity(op)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operations {
    None,
    /// An array of operations at this position (a literal, or `items.map((x) => ({ … }))`).
    List(usize),
    /// One operation object at this position.
    One(usize),
}

/// The groups of clients that share a call surface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// `customerio-node` `TrackClient`, and the v1–v2 default export (same methods).
    Track,
    /// `customerio-node` `APIClient`.
    App,
    /// `customerio-node` ≥ 5 `PipelinesClient`.
    Pipelines,
    Snippet,
    CdpNode,
    CdpBrowser,
    ReactNative,
    ReactNativeLegacy,
}

impl Client {
    pub fn of(sdk: Sdk) -> Client {
        match sdk {
            Sdk::NodeTrack | Sdk::NodeLegacy => Client::Track,
            Sdk::NodeApp => Client::App,
            Sdk::NodePipelines => Client::Pipelines,
            Sdk::Snippet => Client::Snippet,
            Sdk::CdpNode => Client::CdpNode,
            Sdk::CdpBrowser => Client::CdpBrowser,
            Sdk::ReactNative => Client::ReactNative,
            Sdk::ReactNativeLegacy => Client::ReactNativeLegacy,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Client::Track => "`customerio-node` `TrackClient` (and the v1–v2 default export)",
            Client::App => "`customerio-node` `APIClient`",
            Client::Pipelines => "`customerio-node` ≥ 5 `PipelinesClient`",
            Client::Snippet => "browser snippet `_cio`",
            Client::CdpNode => "`@customerio/cdp-analytics-node` `Analytics`",
            Client::CdpBrowser => {
                "`@customerio/cdp-analytics-browser` (`AnalyticsBrowser`, `cioanalytics`)"
            }
            Client::ReactNative => "`customerio-reactnative` ≥ 4 `CustomerIO`",
            Client::ReactNativeLegacy => {
                "`customerio-reactnative` < 4 `CustomerIO` (chosen from the nearest package.json)"
            }
        }
    }
}

/// One method of one client, as the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct SdkCall {
    pub client: Client,
    pub name: &'static str,
    pub method: Method,
    pub api: Api,
    pub person: Arg,
    pub event: Arg,
    pub attributes: Arg,
    pub data: Arg,
    /// The payload's own `timestamp` (the time keys inside attributes and data are found
    /// by their names).
    pub timestamp: Arg,
    pub operations: Operations,
    /// What the call does, for hovers.
    pub summary: &'static str,
}

impl SdkCall {
    const fn new(client: Client, name: &'static str, method: Method, api: Api) -> SdkCall {
        SdkCall {
            client,
            name,
            method,
            api,
            person: Arg::None,
            event: Arg::None,
            attributes: Arg::None,
            data: Arg::None,
            timestamp: Arg::None,
            operations: Operations::None,
            summary: "",
        }
    }
    const fn person(mut self, arg: Arg) -> SdkCall {
        self.person = arg;
        self
    }
    const fn event(mut self, arg: Arg) -> SdkCall {
        self.event = arg;
        self
    }
    const fn attributes(mut self, arg: Arg) -> SdkCall {
        self.attributes = arg;
        self
    }
    const fn data(mut self, arg: Arg) -> SdkCall {
        self.data = arg;
        self
    }
    const fn timestamp(mut self, arg: Arg) -> SdkCall {
        self.timestamp = arg;
        self
    }
    const fn operations(mut self, operations: Operations) -> SdkCall {
        self.operations = operations;
        self
    }
    const fn about(mut self, summary: &'static str) -> SdkCall {
        self.summary = summary;
        self
    }

    /// The row for `name` called on a client of `sdk`; App API methods not listed one by one
    /// are reads and administration ([`APP_API_OTHER_METHODS`]).
    pub fn find(sdk: Sdk, name: &str) -> Option<&'static SdkCall> {
        let client = Client::of(sdk);
        SDK_CALLS
            .iter()
            .find(|row| row.client == client && row.name == name)
            .or_else(|| {
                (client == Client::App && app_api_other_methods().any(|other| other == name))
                    .then_some(&APP_API_OTHER)
            })
    }
}

use Arg::{At, Key, NotObjectAt, ObjectAt};
use Client::{CdpBrowser, CdpNode, Pipelines, ReactNative, ReactNativeLegacy, Snippet, Track};

const IDENTIFY: &str = "Creates or updates a person. The id is permanent: use your database id, not an email address. Include `email` so that messages can reach them. Timestamps (`created_at`, `*_at`) are Unix **seconds**.";
const EVENT: &str = "Records an event. The event name is a fixed string in the configured style (no ids or personal data in it); put variable data in the event's data. Timestamps are Unix **seconds**; identify the person before tracking them.";
const PAGE: &str = "Records a page or screen view.";
const V2_OPERATIONS: &str = "Sends Track API v2 operations (`{ type, identifiers, action, attributes, name, timestamp }`) in one request; the same rules apply to each operation: `identifiers.id` is the permanent id, timestamps are Unix **seconds**.";
const PIPELINES_BATCH: &str = "Sends several Pipelines calls (`{ type: \"identify\" | \"track\" | …, userId, … }`) in one request; the same rules apply to each.";

/// Every recognised call, by client (order: as the docs list them).
pub const SDK_CALLS: &[SdkCall] = &[
    // customerio-node TrackClient (5.2.0 type declarations).
    SdkCall::new(Track, "identify", Method::Identify, Api::Track)
        .person(At(0))
        .attributes(At(1))
        .about(IDENTIFY),
    SdkCall::new(Track, "destroy", Method::Destroy, Api::Track)
        .person(At(0))
        .about("Deletes a person and their data; they can be added again (see `suppress`)."),
    SdkCall::new(Track, "suppress", Method::Suppress, Api::Track)
        .person(At(0))
        .about("Deletes a person and stops them from being added again, e.g. after a bounce or complaint."),
    SdkCall::new(Track, "unsuppress", Method::Unsuppress, Api::Track)
        .person(At(0))
        .about("Allows a suppressed person to be added again."),
    SdkCall::new(Track, "track", Method::Track, Api::Track)
        .person(At(0))
        .event(Key(1, "name"))
        .data(Key(1, "data"))
        .timestamp(Key(1, "timestamp"))
        .about(EVENT),
    SdkCall::new(Track, "trackAnonymous", Method::TrackAnonymous, Api::Track)
        .event(Key(1, "name"))
        .data(Key(1, "data"))
        .timestamp(Key(1, "timestamp"))
        .about("Records an event for a visitor not yet identified (an anonymous id, not a person id)."),
    SdkCall::new(Track, "trackPageView", Method::Page, Api::Track)
        .person(At(0))
        .about("Records a page view of a URL for a person."),
    SdkCall::new(Track, "trackPush", Method::Other, Api::Track)
        .timestamp(Key(0, "timestamp"))
        .about("Reports a push delivery's lifecycle (delivered, opened, converted); `timestamp` is Unix **seconds**."),
    SdkCall::new(Track, "addDevice", Method::AddDevice, Api::Track)
        .person(At(0))
        .data(At(3))
        .about("Registers a push device token for a person; `last_used` is Unix **seconds**."),
    SdkCall::new(Track, "deleteDevice", Method::AddDevice, Api::Track)
        .person(At(0))
        .about("Removes a push device token from a person."),
    SdkCall::new(Track, "batch", Method::Batch, Api::Track)
        .operations(Operations::List(0))
        .about(V2_OPERATIONS),
    SdkCall::new(Track, "entity", Method::Batch, Api::Track)
        .operations(Operations::One(0))
        .about("Sends one Track API v2 operation (`{ type, identifiers, action, attributes, name, timestamp }`): `identifiers.id` is the permanent id, timestamps are Unix **seconds**."),
    SdkCall::new(Track, "mergeCustomers", Method::MergeCustomers, Api::Track)
        .about("Merges a secondary person into a primary one (each named by an identifier type and value); the secondary is deleted."),
    SdkCall::new(Track, "getAccountRegion", Method::Other, Api::TrackRead)
        .about("Looks up the region (US or EU) of the workspace."),
    SdkCall::new(Track, "addCustomersToSegment", Method::Other, Api::Track)
        .about("Adds people (up to 1,000 identifiers of one type) to a manual segment."),
    SdkCall::new(Track, "removeCustomersFromSegment", Method::Other, Api::Track)
        .about("Removes people (up to 1,000 identifiers of one type) from a manual segment."),
    SdkCall::new(Track, "submitForm", Method::Other, Api::Track)
        .attributes(At(1))
        .about("Submits a form for a person (the fields carry one identifier); creates the person if needed."),
    SdkCall::new(Track, "reportMetric", Method::Other, Api::Track)
        .timestamp(Key(0, "timestamp"))
        .about("Reports a delivery metric (opened, clicked, bounced, …) for any channel; `timestamp` is Unix **seconds**."),
    SdkCall::new(Track, "unsubscribe", Method::Other, Api::Track)
        .about("Unsubscribes (or resubscribes) the recipient of a delivery, named by its delivery id."),
    // customerio-node APIClient: the sends, then the reads and administration (one row).
    SdkCall::new(Client::App, "sendEmail", Method::Other, Api::App)
        .about("Sends a transactional email (`new SendEmailRequest({ to, transactional_message_id, identifiers, message_data })`)."),
    SdkCall::new(Client::App, "sendPush", Method::Other, Api::App)
        .about("Sends a transactional push (`new SendPushRequest({...})`)."),
    SdkCall::new(Client::App, "sendSMS", Method::Other, Api::App)
        .about("Sends a transactional SMS (`new SendSMSRequest({...})`)."),
    SdkCall::new(Client::App, "sendWhatsApp", Method::Other, Api::App)
        .about("Sends a transactional WhatsApp message (`new SendWhatsAppRequest({...})`)."),
    SdkCall::new(Client::App, "sendInboxMessage", Method::Other, Api::App)
        .about("Sends a transactional inbox message (`new SendInboxMessageRequest({...})`)."),
    SdkCall::new(Client::App, "sendInApp", Method::Other, Api::App)
        .about("Sends a transactional in-app message (`new SendInAppRequest({...})`)."),
    SdkCall::new(Client::App, "triggerBroadcast", Method::Other, Api::App)
        .about("Triggers an API-triggered broadcast, with data and recipients."),
    // customerio-node ≥ 5 PipelinesClient.
    SdkCall::new(Pipelines, "identify", Method::Identify, Api::Pipelines)
        .person(Key(0, "userId"))
        .attributes(Key(0, "traits"))
        .timestamp(Key(0, "timestamp"))
        .about(IDENTIFY),
    SdkCall::new(Pipelines, "track", Method::Track, Api::Pipelines)
        .person(Key(0, "userId"))
        .event(Key(0, "event"))
        .data(Key(0, "properties"))
        .timestamp(Key(0, "timestamp"))
        .about(EVENT),
    SdkCall::new(Pipelines, "page", Method::Page, Api::Pipelines)
        .person(Key(0, "userId"))
        .data(Key(0, "properties"))
        .timestamp(Key(0, "timestamp"))
        .about(PAGE),
    SdkCall::new(Pipelines, "screen", Method::Page, Api::Pipelines)
        .person(Key(0, "userId"))
        .data(Key(0, "properties"))
        .timestamp(Key(0, "timestamp"))
        .about(PAGE),
    SdkCall::new(Pipelines, "group", Method::Other, Api::Pipelines)
        .person(Key(0, "userId"))
        .attributes(Key(0, "traits"))
        .timestamp(Key(0, "timestamp"))
        .about("Associates a person with a group (an account, an organisation) and sets the group's traits."),
    SdkCall::new(Pipelines, "alias", Method::Other, Api::Pipelines)
        .person(Key(0, "userId"))
        .about("Links a previous id to a person's id."),
    SdkCall::new(Pipelines, "batch", Method::Batch, Api::Pipelines)
        .operations(Operations::List(0))
        .about(PIPELINES_BATCH),
    // The browser snippet.
    SdkCall::new(Snippet, "identify", Method::Identify, Api::Queued)
        .person(Key(0, "id"))
        .attributes(ObjectAt(0))
        .about(IDENTIFY),
    SdkCall::new(Snippet, "track", Method::Track, Api::Queued)
        .event(At(0))
        .data(At(1))
        .about(EVENT),
    SdkCall::new(Snippet, "page", Method::Page, Api::Queued)
        .data(At(1))
        .about(PAGE),
    // @customerio/cdp-analytics-node.
    SdkCall::new(CdpNode, "identify", Method::Identify, Api::Queued)
        .person(Key(0, "userId"))
        .attributes(Key(0, "traits"))
        .timestamp(Key(0, "timestamp"))
        .about(IDENTIFY),
    SdkCall::new(CdpNode, "track", Method::Track, Api::Queued)
        .person(Key(0, "userId"))
        .event(Key(0, "event"))
        .data(Key(0, "properties"))
        .timestamp(Key(0, "timestamp"))
        .about(EVENT),
    SdkCall::new(CdpNode, "page", Method::Page, Api::Queued)
        .person(Key(0, "userId"))
        .data(Key(0, "properties"))
        .timestamp(Key(0, "timestamp"))
        .about(PAGE),
    SdkCall::new(CdpNode, "screen", Method::Page, Api::Queued)
        .person(Key(0, "userId"))
        .data(Key(0, "properties"))
        .timestamp(Key(0, "timestamp"))
        .about(PAGE),
    // @customerio/cdp-analytics-browser.
    SdkCall::new(CdpBrowser, "identify", Method::Identify, Api::Queued)
        .person(NotObjectAt(0))
        .attributes(At(1))
        .about(IDENTIFY),
    SdkCall::new(CdpBrowser, "track", Method::Track, Api::Queued)
        .event(At(0))
        .data(At(1))
        .about(EVENT),
    SdkCall::new(CdpBrowser, "page", Method::Page, Api::Queued)
        .data(At(1))
        .about(PAGE),
    SdkCall::new(CdpBrowser, "screen", Method::Page, Api::Queued)
        .data(At(1))
        .about(PAGE),
    // customerio-reactnative ≥ 4.
    SdkCall::new(ReactNative, "identify", Method::Identify, Api::Queued)
        .person(Key(0, "userId"))
        .attributes(Key(0, "traits"))
        .about(IDENTIFY),
    SdkCall::new(ReactNative, "track", Method::Track, Api::Queued)
        .event(At(0))
        .data(At(1))
        .about(EVENT),
    SdkCall::new(ReactNative, "screen", Method::Page, Api::Queued)
        .data(At(1))
        .about(PAGE),
    // customerio-reactnative < 4: positional identify.
    SdkCall::new(ReactNativeLegacy, "identify", Method::Identify, Api::Queued)
        .person(At(0))
        .attributes(At(1))
        .about(IDENTIFY),
    SdkCall::new(ReactNativeLegacy, "track", Method::Track, Api::Queued)
        .event(At(0))
        .data(At(1))
        .about(EVENT),
    SdkCall::new(ReactNativeLegacy, "screen", Method::Page, Api::Queued)
        .data(At(1))
        .about(PAGE),
];

/// The App API's reads and administration, one row for [`APP_API_OTHER_METHODS`].
const APP_API_OTHER: SdkCall = SdkCall::new(Client::App, "…", Method::Other, Api::App)
    .about("An App API call: reads and administration (customers, segments, messages, exports, campaigns, broadcasts, newsletters, Design Studio, assets, collections, suppressions, reporting webhooks, snippets, sender identities, imports, data index, workspaces).");

/// `APIClient` methods other than the sends (5.2.0 type declarations), separated by spaces.
pub const APP_API_OTHER_METHODS: &str =
    "getCustomersByEmail listExports getExport downloadExport createCustomersExport \
     createDeliveriesExport getAttributes getCustomerActivities getCustomerMessages \
     getCustomerRelationships getCustomerSegments getCustomerSubscriptionPreferences \
     searchCustomers getCustomersAttributes getObjectAttributes getObjectRelationships \
     findObjects listObjectTypes listActivities listSegments createSegment getSegment \
     deleteSegment getSegmentCustomerCount getSegmentMembership getSegmentUsedBy \
     listSubscriptionTopics listSubscriptionChannels getSubscriptionCenterToken \
     listTransactionalMessages getTransactionalMessage getTransactionalMessageContents \
     getTransactionalMessageLanguage updateTransactionalMessageLanguage \
     getTransactionalMessageDeliveries getTransactionalMessageMetrics \
     getTransactionalMessageLinkMetrics updateTransactionalMessageContent listCampaigns \
     getCampaign getCampaignAction updateCampaignAction getCampaignActionLanguage \
     updateCampaignActionLanguage getCampaignActionMetrics getCampaignActionMetricsLinks \
     getCampaignMetrics getCampaignMetricsLinks getCampaignJourneyMetrics \
     getCampaignMessages getBroadcastTriggerStatus getBroadcastTriggerErrors listBroadcasts \
     getBroadcast getBroadcastActions getBroadcastAction updateBroadcastAction \
     getBroadcastActionLanguage updateBroadcastActionLanguage getBroadcastActionMetrics \
     getBroadcastActionMetricsLinks getBroadcastMetrics getBroadcastMetricsLinks \
     getBroadcastMessages getBroadcastTriggers listNewsletters createNewsletter \
     getNewsletter deleteNewsletter getNewsletterContents getNewsletterContent \
     updateNewsletterContent getNewsletterContentMetrics getNewsletterContentMetricsLinks \
     getNewsletterMetrics getNewsletterMetricsLinks getNewsletterMessages sendNewsletter \
     scheduleNewsletter createNewsletterLanguage getNewsletterLanguage \
     updateNewsletterLanguage deleteNewsletterLanguage getNewsletterTestGroups \
     createNewsletterTestGroup createNewsletterTestGroupLanguage \
     getNewsletterTestGroupLanguage updateNewsletterTestGroupLanguage \
     deleteNewsletterTestGroupLanguage listDesignStudioFolders createDesignStudioFolder \
     getDesignStudioFolder updateDesignStudioFolder deleteDesignStudioFolder \
     listDesignStudioEmails createDesignStudioEmail getDesignStudioEmail \
     updateDesignStudioEmail deleteDesignStudioEmail listDesignStudioEmailLanguages \
     createDesignStudioEmailLanguage getDesignStudioEmailLanguage \
     updateDesignStudioEmailLanguage deleteDesignStudioEmailLanguage \
     listDesignStudioComponents createDesignStudioComponent getDesignStudioComponent \
     updateDesignStudioComponent deleteDesignStudioComponent listAssets createAsset getAsset \
     updateAsset deleteAsset listAssetFolders createAssetFolder getAssetFolder \
     updateAssetFolder deleteAssetFolder listCollections createCollection getCollection \
     updateCollection deleteCollection getCollectionContent updateCollectionContent \
     searchSuppression getSuppressions getDomainSuppressions createSuppression \
     deleteSuppression listReportingWebhooks createReportingWebhook getReportingWebhook \
     updateReportingWebhook deleteReportingWebhook getSnippets createSnippet updateSnippet \
     deleteSnippet getSenderIdentities getSenderIdentity getSenderIdentityUsedBy getMessages \
     getMessage getArchivedMessage createImport getImport batchUpdateAttributes \
     batchUpdateEvents listWorkspaces getIpAddresses";

fn app_api_other_methods() -> impl Iterator<Item = &'static str> {
    APP_API_OTHER_METHODS.split_whitespace()
}

/// `docs/sdk-calls.md`: the table above in Markdown.
pub fn supported_calls_markdown() -> String {
    let mut out = String::from(
        "# Supported SDK calls\n\n\
         <!-- Generated from the SDK call table (server/src/analysis/resolve/sdk_calls.rs); \
         a test fails when this page and the table differ. Regenerate with \
         `CIO_LSP_UPDATE_DOCS=1 cargo test --lib supported_calls`. -->\n\n\
         The calls `cio-lsp` reads on each Customer.io client, which API each one talks to, and \
         where the values that the rules check are: the person id (CIO003, CIO004, CIO005), \
         the event name (CIO006, CIO010, CIO012, CIO017), attributes and event data (CIO002, \
         CIO005, CIO018) and the payload's own timestamp (CIO002). Operations inside \
         `batch([...])` and `entity({...})` are read one by one: a v2 operation's \
         `identifiers.id` is its person id, its `name` the event name, its `attributes` the \
         attributes or event data, its `timestamp` a timestamp; a Pipelines batch item reads \
         as the Pipelines call its `type` names. A Track or Pipelines call is an HTTP request \
         (rate limited: CIO007, CIO011); every `customerio-node` call returns a promise \
         (CIO014).\n",
    );
    let mut current = None;
    for row in SDK_CALLS {
        if current != Some(row.client) {
            current = Some(row.client);
            out.push_str(&format!(
                "\n## {}\n\n| method | API | person id | event name | attributes | event data | timestamp | operations |\n|---|---|---|---|---|---|---|---|\n",
                row.client.describe()
            ));
        }
        let operations = match row.operations {
            Operations::None => String::new(),
            Operations::List(i) => format!("array, {} argument", ordinal(i)),
            Operations::One(i) => format!("one, {} argument", ordinal(i)),
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} | {} |\n",
            row.name,
            row.api.describe(),
            row.person.describe(),
            row.event.describe(),
            row.attributes.describe(),
            row.data.describe(),
            row.timestamp.describe(),
            operations,
        ));
        if row.client == Client::App && row.name == "triggerBroadcast" {
            out.push_str(&format!(
                "\nAlso App API calls (reads and administration, none of the values above): {}.\n",
                app_api_other_methods()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    out
}

#[cfg(test)]
#[path = "sdk_calls_tests.rs"]
mod tests;
