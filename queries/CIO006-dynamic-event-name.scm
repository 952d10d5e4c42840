; CIO006 dynamic-event-name
;
; An event name built at run time: a template literal with substitutions, or a `+`
; concatenation, in the event-name position of each SDK's track call. The Rust check keeps the
; concatenations that join a string with a non-literal (`"a" + "b"` is a fixed name) and builds
; the fix.

; customerio-node Track API: cio.track(id, { name: `viewed_${id}` }), trackAnonymous(anonId, …)
((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments
     .
     (_)
     .
     (object
       (pair
         key: [(property_identifier) (string)] @_key
         value: [
           (template_string (template_substitution))
           (binary_expression operator: "+")
         ] @name)))) @call
 (#any-of? @_method "track" "trackAnonymous")
 (#match? @_key "^[\"']?name[\"']?$")
 (#cio-call? @call "track"))

; PipelinesClient and CDP node: client.track({ userId, event: `viewed_${id}`, properties })
((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments
     .
     (object
       (pair
         key: [(property_identifier) (string)] @_key
         value: [
           (template_string (template_substitution))
           (binary_expression operator: "+")
         ] @name)))) @call
 (#eq? @_method "track")
 (#match? @_key "^[\"']?event[\"']?$")
 (#cio-call? @call "pipelines" "cdp-node"))

; Snippet, CDP browser, React Native: _cio.track(`viewed_${id}`, data)
((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments
     .
     [
       (template_string (template_substitution))
       (binary_expression operator: "+")
     ] @name)) @call
 (#eq? @_method "track")
 (#cio-call? @call "snippet" "cdp-browser" "react-native"))

; The event operations of `batch([...])` / `entity({...})` (customerio-node ≥ 5, Pipelines
; `batch`): the check reads each operation's name (`CioCall::operations`).
((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments . (_) @operations)) @call
 (#any-of? @_method "batch" "entity")
 (#match? @operations "(\\$\\{|\\+)")
 (#cio-call? @call "track" "pipelines"))

; A direct HTTP request to the Track API (`POST …/customers/{id}/events`): the event name is the
; `name` of its JSON body, read by the call model.
((call_expression) @call
 (#cio-routed? @call "event-name"))
