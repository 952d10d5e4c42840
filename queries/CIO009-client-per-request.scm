; CIO009 client-per-request: not implemented yet.
