package io.pointsman.proxy.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CRL;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files HAProxy users have: certificate chains, private keys in PKCS#8
 * ({@code BEGIN PRIVATE KEY}, what {@code openssl req} and certbot write), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}, what
 * {@code openssl ecparam -genkey} writes), a certificate and its key in one file, CA
 * bundles and CRLs (PEM or DER). Blocking file I/O: never on an event loop.
 *
 * <p>Every failure is a {@link TlsSetupException} that names the file; no message ever
 * holds key material.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
        0x01, 0x01};
    private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private Pem() {
    }

    /** A PEM block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}, …) and decoded bytes. */
    record Block(String label, byte[] der, String headers) {
    }

    /** The certificates of a PEM file, in order (a chain: the leaf first). Fails when it has none. */
    public static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> out = certificates(file, blocks(file));
        if (out.isEmpty()) {
            throw new TlsSetupException("no certificate (-----BEGIN CERTIFICATE-----) in " + file);
        }
        return out;
    }

    /** The private key in {@code file}; null when the file holds none. */
    public static PrivateKey privateKeyOrNull(Path file) {
        return privateKey(file, blocks(file));
    }

    /** The private key in {@code file}; fails when it holds none. */
    public static PrivateKey privateKey(Path file) {
        PrivateKey key = privateKeyOrNull(file);
        if (key == null) {
            throw new TlsSetupException("no private key (-----BEGIN PRIVATE KEY-----) in " + file);
        }
        return key;
    }

    /** The CRLs in a PEM or DER file; fails when it has none. */
    public static List<X509CRL> crls(Path file) {
        byte[] bytes = read(file);
        try {
            Collection<? extends CRL> crls = CertificateFactory.getInstance("X.509")
                    .generateCRLs(new ByteArrayInputStream(bytes));
            List<X509CRL> out = new ArrayList<>();
            for (CRL c : crls) {
                out.add((X509CRL) c);
            }
            if (out.isEmpty()) {
                throw new TlsSetupException("no CRL (-----BEGIN X509 CRL-----) in " + file);
            }
            return out;
        } catch (java.security.cert.CRLException | CertificateException e) {
            throw new TlsSetupException("cannot read the CRL in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code key} is the private half of {@code cert}'s public key: a signature made
     * with it verifies with the certificate (RSA, EC and Ed25519 keys alike).
     */
    public static boolean matches(PrivateKey key, X509Certificate cert) {
        PublicKey pub = cert.getPublicKey();
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> null;
        };
        if (alg == null || !sameFamily(key.getAlgorithm(), pub.getAlgorithm())) {
            return false;
        }
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature s = Signature.getInstance(alg);
            if (alg.equals("RSASSA-PSS")) {
                s.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            s.initVerify(pub);
            s.update(probe);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean sameFamily(String a, String b) {
        return a.equals(b) || (a.startsWith("Ed") && b.startsWith("Ed"));
    }

    static List<Block> blocks(Path file) {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            StringBuilder headers = new StringBuilder();
            StringBuilder base64 = new StringBuilder();
            for (String line : body.split("\\r?\\n")) {
                if (line.contains(":")) {
                    headers.append(line.trim()).append('\n');
                } else {
                    base64.append(line.trim());
                }
            }
            try {
                out.add(new Block(m.group(1), Base64.getDecoder().decode(base64.toString()), headers.toString()));
            } catch (IllegalArgumentException e) {
                throw new TlsSetupException("bad base64 in the " + m.group(1) + " block of " + file);
            }
        }
        return out;
    }

    private static List<X509Certificate> certificates(Path file, List<Block> blocks) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (Block b : blocks) {
                if (b.label().equals("CERTIFICATE") || b.label().equals("TRUSTED CERTIFICATE")) {
                    out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (CertificateException e) {
            throw new TlsSetupException("cannot read a certificate in " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static PrivateKey privateKey(Path file, List<Block> blocks) {
        PrivateKey found = null;
        for (Block b : blocks) {
            PrivateKey k = switch (b.label()) {
                case "PRIVATE KEY" -> pkcs8(file, b.der());
                case "RSA PRIVATE KEY" -> pkcs8(file, wrap(RSA_OID, DER_NULL, b, file));
                case "EC PRIVATE KEY" -> pkcs8(file, wrap(EC_OID, curveOf(b, file), b, file));
                case "ENCRYPTED PRIVATE KEY" -> throw encrypted(file);
                default -> null;
            };
            if (k != null) {
                if (found != null) {
                    throw new TlsSetupException("more than one private key in " + file);
                }
                found = k;
            }
        }
        return found;
    }

    private static TlsSetupException encrypted(Path file) {
        return new TlsSetupException("the private key in " + file + " is encrypted; give it without a passphrase"
                + " (openssl pkey -in KEY -out KEY.plain), readable by this process only");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new TlsSetupException("cannot read the private key in " + file
                + " (not an RSA, EC or Ed25519 key in PKCS#8, PKCS#1 or SEC1 form)");
    }

    /** PKCS#8 around a PKCS#1 (RSA) or SEC1 (EC) key: version 0, the algorithm, the key as an octet string. */
    private static byte[] wrap(byte[] algorithmOid, byte[] parameters, Block b, Path file) {
        if (b.headers().contains("ENCRYPTED")) {
            throw encrypted(file);
        }
        byte[] algorithm = der(0x30, concat(algorithmOid, parameters));
        return der(0x30, concat(VERSION_0, algorithm, der(0x04, b.der())));
    }

    /** The named-curve OID in a SEC1 key's parameters ({@code [0]}), as a whole DER element. */
    private static byte[] curveOf(Block b, Path file) {
        byte[] d = b.der();
        int[] seq = header(d, 0, file);
        int i = seq[0];
        int end = seq[0] + seq[1];
        while (i < end) {
            int tag = d[i] & 0xff;
            int[] h = header(d, i, file);
            if (tag == 0xa0) {
                int[] oid = header(d, h[0], file);
                byte[] out = new byte[oid[0] + oid[1] - h[0]];
                System.arraycopy(d, h[0], out, 0, out.length);
                return out;
            }
            i = h[0] + h[1];
        }
        throw new TlsSetupException("the EC private key in " + file + " does not name its curve");
    }

    /** {start of value, length} of the DER element at {@code at}. */
    private static int[] header(byte[] d, int at, Path file) {
        if (at + 2 > d.length) {
            throw new TlsSetupException("cannot read the private key in " + file + " (truncated)");
        }
        int len = d[at + 1] & 0xff;
        int start = at + 2;
        if (len > 0x80) {
            int n = len - 0x80;
            if (n > 3 || start + n > d.length) {
                throw new TlsSetupException("cannot read the private key in " + file + " (bad length)");
            }
            len = 0;
            for (int k = 0; k < n; k++) {
                len = (len << 8) | (d[start + k] & 0xff);
            }
            start += n;
        }
        if (start + len > d.length) {
            throw new TlsSetupException("cannot read the private key in " + file + " (truncated)");
        }
        return new int[] {start, len};
    }

    private static byte[] der(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsSetupException("file not found: " + file);
        } catch (AccessDeniedException e) {
            throw new TlsSetupException("cannot read " + file + ": permission denied");
        } catch (IOException e) {
            throw new TlsSetupException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
