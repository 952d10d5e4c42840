; CIO014 unhandled-rejection: not implemented yet.
