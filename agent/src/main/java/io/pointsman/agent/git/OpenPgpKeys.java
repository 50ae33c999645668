package io.pointsman.agent.git;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * The OpenPGP half of {@link TrustedKeys}: public keys exported with
 * {@code gpg --armor --export} ({@code *.asc}, or binary {@code *.gpg}), and the check of
 * one detached signature over a commit's payload with BouncyCastle's lightweight API (no
 * GnuPG, no keyring, no JCE provider). A signature by a revoked key or a key past its
 * expiry is refused.
 */
final class OpenPgpKeys {
    private final List<PGPPublicKeyRing> rings;

    private OpenPgpKeys(List<PGPPublicKeyRing> rings) {
        this.rings = rings;
    }

    static final OpenPgpKeys NONE = new OpenPgpKeys(List.of());

    static OpenPgpKeys read(List<Path> files) throws IOException {
        List<PGPPublicKeyRing> rings = new ArrayList<>();
        for (Path f : files) {
            try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(f))) {
                PGPPublicKeyRingCollection c = new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
                if (c.size() == 0) {
                    throw new IOException("no public key in it");
                }
                c.getKeyRings().forEachRemaining(rings::add);
            } catch (PGPException | IOException | RuntimeException e) {
                throw new IOException(f + ": not an OpenPGP public key (gpg --armor --export KEY > " + f.getFileName()
                        + "): " + e.getMessage(), e);
            }
        }
        return new OpenPgpKeys(rings);
    }

    int size() {
        return rings.size();
    }

    /** Null when {@code signature} over {@code payload} is good and by a trusted, usable key; else why not. */
    String problem(byte[] payload, byte[] signature) {
        PGPSignature sig;
        try {
            sig = parse(signature);
        } catch (IOException | PGPException | RuntimeException e) {
            return "unreadable OpenPGP signature (" + e.getMessage() + ")";
        }
        String id = String.format(Locale.ROOT, "%016X", sig.getKeyID());
        PGPPublicKey key = find(sig.getKeyID());
        if (key == null) {
            return "is signed by OpenPGP key " + id + ", which is not among the trusted keys";
        }
        if (key.hasRevocation()) {
            return "is signed by OpenPGP key " + id + ", which is revoked";
        }
        long valid = key.getValidSeconds();
        if (valid > 0 && sig.getCreationTime().getTime() > key.getCreationTime().getTime() + valid * 1000) {
            return "is signed by OpenPGP key " + id + " after the key expired";
        }
        try {
            sig.init(new BcPGPContentVerifierBuilderProvider(), key);
            sig.update(payload);
            return sig.verify() ? null : "bad OpenPGP signature (key " + id + ")";
        } catch (PGPException | RuntimeException e) {
            return "OpenPGP signature by key " + id + " cannot be checked (" + e.getMessage() + ")";
        }
    }

    private PGPPublicKey find(long keyId) {
        for (PGPPublicKeyRing ring : rings) {
            PGPPublicKey k = ring.getPublicKey(keyId);
            if (k != null) {
                return k;
            }
        }
        return null;
    }

    private static PGPSignature parse(byte[] armored) throws IOException, PGPException {
        BcPGPObjectFactory f = new BcPGPObjectFactory(PGPUtil.getDecoderStream(new ByteArrayInputStream(armored)));
        Object o = f.nextObject();
        if (o instanceof PGPCompressedData c) {
            o = new BcPGPObjectFactory(c.getDataStream()).nextObject();
        }
        if (o instanceof PGPSignatureList list && !list.isEmpty()) {
            return list.get(0);
        }
        throw new IOException("no signature packet");
    }
}
