package io.rampart.firewall;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Two reads from nf_tables straight over netlink, for the loop's every-second work: the table's
 * named counters and the number of rules in a chain.
 *
 * <p>Design note: nft (libnftables 1.0.6 and the program alike) fills its cache with every set
 * element before any listing, even {@code list counters}: with 100,000 elements that is 0.45 s
 * of CPU per read, which every second would cost the gateway half a core and its requests their
 * latency. A dump of counter objects ({@code NFT_MSG_GETOBJ}, filtered by table and type) or of a
 * chain's rules ({@code NFT_MSG_GETRULE}) costs the same whatever the sets hold. Writes stay with
 * nft, which needs no cache for them. The messages are built by hand: a netfilter socket through
 * libc (JNA), a request, the multipart answer parsed attribute by attribute.
 */
final class NfNetlink implements AutoCloseable {
    /** The libc calls this needs. */
    public interface LibC extends Library {
        int socket(int domain, int type, int protocol);

        int bind(int fd, byte[] addr, int len);

        int send(int fd, byte[] buf, long len, int flags);

        int recv(int fd, byte[] buf, long len, int flags);

        int close(int fd);
    }

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_NETFILTER = 12;
    private static final int NFNL_SUBSYS_NFTABLES = 10;
    private static final int NFT_MSG_GETRULE = 7;
    private static final int NFT_MSG_GETOBJ = 19;
    private static final int NLM_F_REQUEST = 1;
    private static final int NLM_F_DUMP = 0x300;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    private static final int NFTA_OBJ_TABLE = 1;
    private static final int NFTA_OBJ_NAME = 2;
    private static final int NFTA_OBJ_TYPE = 3;
    private static final int NFTA_OBJ_DATA = 4;
    private static final int NFT_OBJECT_COUNTER = 1;
    private static final int NFTA_COUNTER_BYTES = 1;
    private static final int NFTA_COUNTER_PACKETS = 2;
    private static final int NFTA_RULE_TABLE = 1;
    private static final int NFTA_RULE_CHAIN = 2;
    private static final int NLA_TYPE_MASK = 0x3fff;

    private final LibC libc;
    private final int fd;
    private final byte[] buffer = new byte[64 * 1024];
    private int seq;

    private NfNetlink(LibC libc, int fd) {
        this.libc = libc;
        this.fd = fd;
    }

    /** A netfilter netlink socket in this process's network namespace. */
    static NfNetlink open() throws FirewallException {
        LibC libc;
        try {
            libc = Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError e) {
            throw new FirewallException("libc could not be loaded for netlink: " + e.getMessage(), e);
        }
        int fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
        if (fd < 0) {
            throw new FirewallException("cannot open a netfilter netlink socket (errno " + Native.getLastError() + ")");
        }
        byte[] addr = new byte[12];
        ByteBuffer.wrap(addr).order(ByteOrder.nativeOrder()).putShort((short) AF_NETLINK);
        if (libc.bind(fd, addr, addr.length) != 0) {
            libc.close(fd);
            throw new FirewallException("cannot bind a netfilter netlink socket (errno " + Native.getLastError() + ")");
        }
        return new NfNetlink(libc, fd);
    }

    /** Named counters of {@code table} in {@code family} ({@code inet}, {@code netdev}): name to packets and bytes. */
    synchronized Map<String, DropBackend.Count> counters(String family, String table) throws FirewallException {
        ByteBuffer req = request(NFT_MSG_GETOBJ, family);
        attr(req, NFTA_OBJ_TABLE, cString(table));
        attr(req, NFTA_OBJ_TYPE, be32(NFT_OBJECT_COUNTER));
        Map<String, DropBackend.Count> out = new LinkedHashMap<>();
        dump(req, msg -> {
            String name = null;
            long packets = 0;
            long bytes = 0;
            while (msg.remaining() >= 4) {
                int start = msg.position();
                int len = Short.toUnsignedInt(msg.getShort());
                int type = msg.getShort() & NLA_TYPE_MASK;
                if (len < 4 || start + len > msg.limit()) {
                    break;
                }
                if (type == NFTA_OBJ_NAME) {
                    name = string(msg, start + 4, len - 4);
                } else if (type == NFTA_OBJ_DATA) {
                    int end = start + len;
                    msg.position(start + 4);
                    while (msg.position() + 4 <= end) {
                        int s = msg.position();
                        int l = Short.toUnsignedInt(msg.getShort());
                        int t = msg.getShort() & NLA_TYPE_MASK;
                        if (l < 4) {
                            break;
                        }
                        if (l >= 12 && (t == NFTA_COUNTER_PACKETS || t == NFTA_COUNTER_BYTES)) {
                            long v = msg.order(ByteOrder.BIG_ENDIAN).getLong(s + 4);
                            msg.order(ByteOrder.nativeOrder());
                            if (t == NFTA_COUNTER_PACKETS) {
                                packets = v;
                            } else {
                                bytes = v;
                            }
                        }
                        msg.position(s + align(l));
                    }
                }
                msg.position(Math.min(msg.limit(), start + align(len)));
            }
            if (name != null) {
                out.put(name, new DropBackend.Count(packets, bytes));
            }
        });
        return out;
    }

    /** Rules in one chain. */
    synchronized int rules(String family, String table, String chain) throws FirewallException {
        ByteBuffer req = request(NFT_MSG_GETRULE, family);
        attr(req, NFTA_RULE_TABLE, cString(table));
        attr(req, NFTA_RULE_CHAIN, cString(chain));
        int[] n = new int[1];
        dump(req, msg -> n[0]++);
        return n[0];
    }

    private interface Handler {
        void message(ByteBuffer attributes);
    }

    private ByteBuffer request(int msgType, String family) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
        b.putInt(0); // length, set at the end
        b.putShort((short) ((NFNL_SUBSYS_NFTABLES << 8) | msgType));
        b.putShort((short) (NLM_F_REQUEST | NLM_F_DUMP));
        b.putInt(++seq);
        b.putInt(0);
        b.put((byte) familyNumber(family)).put((byte) 0).putShort((short) 0); // nfgenmsg: family, version 0, res_id
        return b;
    }

    private static int familyNumber(String family) {
        return "netdev".equals(family) ? 5 : "ip".equals(family) ? 2 : "ip6".equals(family) ? 10 : 1; // NFPROTO_*: inet is 1
    }

    private static void attr(ByteBuffer b, int type, byte[] value) {
        b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        while (b.position() % 4 != 0) {
            b.put((byte) 0);
        }
    }

    private void dump(ByteBuffer req, Handler handler) throws FirewallException {
        int length = req.position();
        req.putInt(0, length);
        byte[] bytes = new byte[length];
        req.flip();
        req.get(bytes);
        if (libc.send(fd, bytes, bytes.length, 0) != bytes.length) {
            throw new FirewallException("netlink send failed (errno " + Native.getLastError() + ")");
        }
        int expected = seq;
        while (true) {
            int n = libc.recv(fd, buffer, buffer.length, 0);
            if (n < 0) {
                throw new FirewallException("netlink receive failed (errno " + Native.getLastError() + ")");
            }
            ByteBuffer in = ByteBuffer.wrap(buffer, 0, n).order(ByteOrder.nativeOrder());
            while (in.remaining() >= 16) {
                int start = in.position();
                int len = in.getInt();
                int type = Short.toUnsignedInt(in.getShort());
                in.getShort(); // flags
                int msgSeq = in.getInt();
                in.getInt(); // port id
                if (len < 16 || start + len > n) {
                    throw new FirewallException("netlink answered a malformed message");
                }
                if (msgSeq != expected) {
                    in.position(start + align(len));
                    continue; // an answer to an earlier request that was given up
                }
                if (type == NLMSG_DONE) {
                    return;
                }
                if (type == NLMSG_ERROR) {
                    int errno = -in.getInt();
                    if (errno == 0) {
                        return;
                    }
                    throw new FirewallException(errno == 2 ? "no such table or chain (ENOENT)" : "netlink error " + errno);
                }
                ByteBuffer attrs = ByteBuffer.wrap(buffer, start + 20, len - 20).slice().order(ByteOrder.nativeOrder());
                handler.message(attrs);
                in.position(start + align(len));
            }
        }
    }

    private static int align(int len) {
        return (len + 3) & ~3;
    }

    private static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    private static byte[] be32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(v).array();
    }

    private static String string(ByteBuffer b, int offset, int len) {
        int end = offset + len;
        while (end > offset && b.get(end - 1) == 0) {
            end--;
        }
        byte[] out = new byte[end - offset];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(offset + i);
        }
        return new String(out, StandardCharsets.US_ASCII);
    }

    @Override
    public synchronized void close() {
        libc.close(fd);
    }
}
