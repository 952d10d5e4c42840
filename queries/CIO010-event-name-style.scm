; CIO010 event-name-style
;
; A literal event name (a string, or a template literal without substitutions) in the
; event-name position of each SDK's track call. The Rust check records every such name for the
; workspace index (the other spellings of a name are related information) and reports the
; ones not in the configured style, which a query cannot know.

; customerio-node Track API: cio.track(id, { name: "orderPlaced" }), trackAnonymous
((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments
     .
     (_)
     .
     (object
       (pair
         key: [(property_identifier) (string)] @_key
         value: [(string) (template_string)] @name)))) @call
 (#any-of? @_method "track" "trackAnonymous")
 (#match? @_key "^[\"']?name[\"']?$")
 (#cio-call? @call "track"))

; PipelinesClient and CDP node: client.track({ userId, event: "Order Completed" })
((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments
     .
     (object
       (pair
         key: [(property_identifier) (string)] @_key
         value: [(string) (template_string)] @name)))) @call
 (#eq? @_method "track")
 (#match? @_key "^[\"']?event[\"']?$")
 (#cio-call? @call "pipelines" "cdp-node"))

; Snippet, CDP browser, React Native: _cio.track("orderPlaced", data)
((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments
     .
     [(string) (template_string)] @name)) @call
 (#eq? @_method "track")
 (#cio-call? @call "snippet" "cdp-browser" "react-native"))

; The event operations of `batch([...])` / `entity({...})`: the check reads each operation's
; name (`CioCall::operations`).
((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments . (_) @operations)) @call
 (#any-of? @_method "batch" "entity")
 (#cio-call? @call "track" "pipelines"))

; A direct HTTP request to the Track API (`POST …/customers/{id}/events`): the event name is the
; `name` of its JSON body, read by the call model.
((call_expression) @call
 (#cio-routed? @call "event-name"))
