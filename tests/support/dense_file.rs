//! A generated Customer.io-dense TypeScript file, shared by the LSP tests and the keystroke
//! benchmark (`#[path]`-included by both).

/// About `lines` lines of TypeScript in which most statements call a Customer.io client; every
/// block holds one CIO002 finding (`created_at: Date.now()`).
#[allow(dead_code)]
pub fn dense_typescript(lines: usize) -> String {
    let mut out = String::with_capacity(lines * 48);
    out.push_str("import { TrackClient, RegionUS } from \"customerio-node\";\n");
    out.push_str("const cio = new TrackClient(process.env.SITE_ID!, process.env.KEY!, { region: RegionUS });\n\n");
    let mut block = 0;
    while out.lines().count() < lines {
        // Lines are counted once per 64 blocks (12 lines each), not per block.
        for _ in 0..64 {
            out.push_str(&format!(
                "export async function onSignup{block}(user: User) {{\n\
                 \x20 await cio.identify(user.id, {{ email: user.email, created_at: Date.now() }});\n\
                 \x20 await cio.track(user.id, {{ name: \"signed_up\", data: {{ plan: user.plan }} }});\n\
                 \x20 const total = user.orders.length + {block};\n\
                 \x20 await cio.identify(user.id, {{ orders: total, updated_at: Math.floor(Date.now() / 1000) }});\n\
                 \x20 if (user.invited) {{\n\
                 \x20   await cio.track(user.id, {{ name: \"invite_accepted\", data: {{ by: user.inviter }} }});\n\
                 \x20 }}\n\
                 \x20 await cio.trackAnonymous(user.anonymousId, {{ name: \"page_viewed\" }});\n\
                 \x20 return total;\n\
                 }}\n\n"
            ));
            block += 1;
        }
    }
    out
}
