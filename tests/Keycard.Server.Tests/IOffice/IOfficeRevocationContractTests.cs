using Keycard.Server.Tests.Contracts;

namespace Keycard.Server.Tests.IOffice;

public sealed class IOfficeRevocationContractTests : RevocationEndpointContract<IOfficeDialect>;
