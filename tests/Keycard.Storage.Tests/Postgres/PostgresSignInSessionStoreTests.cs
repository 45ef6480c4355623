using Keycard.Storage.Tests.Contracts;
using Keycard.Storage.Tests.Infrastructure;

namespace Keycard.Storage.Tests.Postgres;

public sealed class PostgresSignInSessionStoreTests(PostgresTestDatabase database) : SignInSessionStoreContract<PostgresTestDatabase>(database);
