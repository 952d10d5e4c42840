; CIO001 wrong-api-key: not implemented yet.
