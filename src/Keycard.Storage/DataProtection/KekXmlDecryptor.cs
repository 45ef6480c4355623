using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.DataProtection;

/// <summary>Reverses <see cref="KekXmlEncryptor"/>; Data Protection makes it by type, handing it the services.</summary>
public sealed class KekXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var kek = services.GetRequiredService<KeyEncryptionKey>();
        var encrypted = Convert.FromBase64String(encryptedElement.Element("value")?.Value ?? "");
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(kek.Decrypt(encrypted, KekXmlEncryptor.AssociatedData)));
        }
        catch (CryptographicException)
        {
            var id = encryptedElement.Attribute("kek")?.Value ?? "unknown";
            throw new CryptographicException($"This Data Protection key was encrypted with key-encryption key {id}, not with this node's {kek.Id}.");
        }
    }
}
