; CIO015 legacy-constructor: not implemented yet.
