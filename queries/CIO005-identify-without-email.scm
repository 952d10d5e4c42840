; CIO005 identify-without-email: not implemented yet.
