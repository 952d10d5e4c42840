; CIO008 no-bounce-handling: not implemented yet.
