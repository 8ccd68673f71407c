"""The use cases shared by GraphQL, REST, the scheduled jobs and the CLI: they read through loaders
and repositories and call the domain. GraphQL's field resolvers live in `schema/` and call these."""
