package dev.reactivemcp.oauth.internal.store;

import dev.reactivemcp.oauth.TokenStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Blocking file operations of the file token store; callers run them on {@code Schedulers.boundedElastic()}.
 * Writes are atomic: a temporary file in the same directory (mode 0600 on POSIX), written, forced to disk,
 * moved over the target atomically, then the directory is forced where the platform allows. The cross-process
 * lock is a {@link FileLock} on a sibling {@code .lock} file, so replacing the data file never loses it.
 *
 * <p>Temporary files are named {@code .<file>.<hex>.tmp} and written only under the cross-process lock, so whoever
 * holds the lock knows that any such file is the leftover of a writer that died (a {@code kill -9} mid-write) and
 * deletes it: at each lock acquisition, and once when the first read finds the lock free.
 *
 * <p>On POSIX a data file owned by another user, or writable by group or others, is refused
 * ({@link TokenStoreException.Kind#INSECURE}): someone else could have planted its endpoints and tokens. One only
 * readable by group or others is tightened to {@code 0600} with a warning (its tokens may have been read: consider
 * logging in again).
 */
public final class FileStorage {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    /** Largest file accepted, in bytes. */
    public static final long MAX_BYTES = 16L * 1024 * 1024;

    private static final Logger log = Loggers.getLogger(FileStorage.class);

    private final Path file;
    private final Path lockFile;
    private final boolean posix;
    private final Pattern tempName;
    private final AtomicBoolean firstRead = new AtomicBoolean(true);

    /** Storage at {@code file} (normalized to an absolute path). */
    public FileStorage(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
        this.posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        this.tempName = Pattern.compile("\\." + Pattern.quote(this.file.getFileName().toString()) + "\\.[0-9a-f]+\\.tmp");
    }

    /** The data file. */
    public Path file() {
        return file;
    }

    /** Reads and parses the file; a missing file is an empty document. Blocking. */
    public StoreDocument read() {
        if (firstRead.compareAndSet(true, false)) {
            sweepIfUnlocked();
        }
        byte[] bytes;
        try {
            checkPrivate();
            if (Files.size(file) > MAX_BYTES) {
                throw new TokenStoreException(TokenStoreException.Kind.CORRUPT,
                        "token store " + file + " is larger than " + MAX_BYTES + " bytes; it was left unchanged", null);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException absent) {
            return StoreDocument.EMPTY;
        } catch (IOException e) {
            throw io("could not read", e);
        }
        return StoreDocument.parse(bytes, file.toString());
    }

    /** Replaces the file atomically with {@code document}. Blocking. */
    public void write(StoreDocument document) {
        byte[] bytes = document.toJson();
        Path dir = file.getParent();
        Path tmp = null;
        try {
            createDirectories(dir);
            tmp = createTemp(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            move(tmp, file);
            tmp = null;
            forceDirectory(dir);
        } catch (IOException e) {
            throw io("could not write", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a stray temp file holds no more than the target would have
                }
            }
        }
    }

    /** Tries once to take the cross-process lock; {@code null} when another process holds it. Blocking. */
    public Lock tryLock() {
        FileChannel ch = null;
        try {
            createDirectories(file.getParent());
            ch = openLockFile();
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                return null;
            }
            sweepStaleTemps();
            return new Lock(ch);
        } catch (OverlappingFileLockException heldInThisJvm) {
            closeQuietly(ch);
            return null;
        } catch (IOException e) {
            closeQuietly(ch);
            throw io("could not lock", e);
        }
    }

    private FileChannel openLockFile() throws IOException {
        try {
            FileAttribute<?>[] attrs = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                    : new FileAttribute<?>[0];
            return FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs);
        } catch (FileAlreadyExistsException exists) {
            return FileChannel.open(lockFile, StandardOpenOption.WRITE);
        }
    }

    private Path createTemp(Path dir) throws IOException {
        for (;;) {
            Path tmp = dir.resolve("." + file.getFileName() + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp");
            try {
                return posix
                        ? Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                        : Files.createFile(tmp);
            } catch (FileAlreadyExistsException taken) {
                // another name
            }
        }
    }

    /** Takes the lock if it is free right now, sweeps, and lets it go; a held lock means its holder sweeps. */
    private void sweepIfUnlocked() {
        if (!Files.isDirectory(file.getParent())) {
            return;
        }
        Lock lock = tryLock(); // sweeps when obtained
        if (lock != null) {
            lock.close();
        }
    }

    /**
     * Deletes our temporary files left by writers that died. Only called under the cross-process lock, which every
     * writer holds while its temporary file exists, so none of them belongs to a live writer.
     */
    private void sweepStaleTemps() {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(file.getParent(),
                p -> tempName.matcher(p.getFileName().toString()).matches())) {
            for (Path p : stale) {
                Files.deleteIfExists(p);
                log.debug("token store {}: removed the temporary file {} of a writer that died", file, p.getFileName());
            }
        } catch (IOException | DirectoryIteratorException e) {
            log.debug("token store {}: could not sweep temporary files: {}", file, e.toString());
        }
    }

    /** Refuses a file owned by another user or writable by others; tightens one readable by others. */
    private void checkPrivate() throws IOException {
        if (!posix) {
            return;
        }
        PosixFileAttributes attrs = Files.readAttributes(file, PosixFileAttributes.class); // NoSuchFile: no store yet
        Set<PosixFilePermission> perms = attrs.permissions();
        String owner = attrs.owner().getName();
        String me = System.getProperty("user.name", "");
        if (!me.isEmpty() && !"?".equals(me) && !me.equals(owner)) {
            throw insecure("is owned by another user (" + owner + ")");
        }
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw insecure("is writable by group or others (" + PosixFilePermissions.toString(perms) + ")");
        }
        if (!OWNER_ONLY.containsAll(perms)) {
            log.warn("token store {} was readable by group or others ({}); its mode is now rw------- (its tokens may"
                    + " have been read: consider logging in again)", file, PosixFilePermissions.toString(perms));
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    private TokenStoreException insecure(String why) {
        return new TokenStoreException(TokenStoreException.Kind.INSECURE, "token store " + file + " " + why
                + "; it was not read (make it private to you: chmod 600, owned by you)", null);
    }

    private void createDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } else {
                Files.createDirectories(dir);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot replace files atomically", e);
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // Windows and some file systems cannot open or sync a directory; the rename is still atomic.
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    private TokenStoreException io(String what, IOException e) {
        return new TokenStoreException(TokenStoreException.Kind.IO, what + " token store " + file + ": "
                + e.getClass().getSimpleName(), e);
    }

    /** A held cross-process lock; closing releases it. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;

        private Lock(FileChannel channel) {
            this.channel = channel;
        }

        /** Releases the lock (closing its channel). Blocking. */
        @Override
        public void close() {
            closeQuietly(channel);
        }
    }
}
