using Keycard.Storage.Tests.Contracts;
using Keycard.Storage.Tests.Infrastructure;

namespace Keycard.Storage.Tests.Postgres;

public sealed class PostgresUserStoreTests(PostgresTestDatabase database) : UserStoreContract<PostgresTestDatabase>(database);
