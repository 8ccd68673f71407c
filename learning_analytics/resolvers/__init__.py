"""Use cases shared by GraphQL, REST and the CLI: read through loaders and repositories, call the domain."""
