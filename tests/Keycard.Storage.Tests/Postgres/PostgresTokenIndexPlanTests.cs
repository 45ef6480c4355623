using Keycard.Storage.Tests.Contracts;
using Keycard.Storage.Tests.Infrastructure;

namespace Keycard.Storage.Tests.Postgres;

public sealed class PostgresTokenIndexPlanTests(PostgresTestDatabase database) : TokenIndexPlanContract<PostgresTestDatabase>(database);
