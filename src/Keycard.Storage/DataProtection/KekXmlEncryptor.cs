using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Keycard.Storage.DataProtection;

/// <summary>
/// Encrypts each Data Protection key's secret with the <see cref="KeyEncryptionKey"/> before the key ring stores it
/// in the database (ASP.NET Core Data Protection "key encryption at rest", through its <see cref="IXmlEncryptor"/>
/// extension point).
/// </summary>
public sealed class KekXmlEncryptor(KeyEncryptionKey kek) : IXmlEncryptor
{
    internal const string ElementName = "keycardEncryptedKey";
    internal static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("Keycard DataProtection key v1");

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var element = new XElement(ElementName,
            new XAttribute("kek", kek.Id),
            new XComment(" Encrypted with Keycard's key-encryption key (AES-256-GCM); see docs/security.md. "),
            new XElement("value", Convert.ToBase64String(kek.Encrypt(plaintext, AssociatedData))));
        return new EncryptedXmlInfo(element, typeof(KekXmlDecryptor));
    }
}
