// Generated from clients/js/src by `npm run build:demo` in clients/js. Do not edit.
export function base64UrlEncode(bytes) {
    let binary = '';
    for (const byte of bytes)
        binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
/** 32 random bytes, base64url: 43 characters, 256 bits. */
export function randomToken(crypto, byteLength = 32) {
    return base64UrlEncode(crypto.getRandomValues(new Uint8Array(byteLength)));
}
/**
 * RFC 7636 §4.1: the verifier is 43 to 128 characters of [A-Z a-z 0-9 - . _ ~];
 * base64url of 32 random bytes gives exactly 43.
 */
export function createCodeVerifier(crypto) {
    return randomToken(crypto, 32);
}
/** RFC 7636 §4.2: S256 challenge = BASE64URL(SHA256(ASCII(code_verifier))). */
export async function createCodeChallenge(crypto, verifier) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
    return base64UrlEncode(new Uint8Array(digest));
}
