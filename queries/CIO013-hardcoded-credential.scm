; CIO013 hardcoded-credential: not implemented yet.
