; CIO015 legacy-constructor
;
; `new CIO(siteId, key)` where `CIO` is customerio-node's default export (`require` or default
; `import`). Whether the workspace's package.json asks for customerio-node 3 or later is the Rust
; check's question.
((new_expression
   constructor: (identifier) @constructor) @new
 (#cio-new? @new "legacy"))
