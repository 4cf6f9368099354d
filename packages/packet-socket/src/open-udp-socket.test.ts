import { checkPrerequisites, createLab, type Lab } from '@baremetal-lb/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUdpSocket, type UdpDatagram, type UdpSocket } from './open-udp-socket.ts';
import { InvalidArgumentError } from './packet-socket-error.ts';

const ready = checkPrerequisites('packet-socket UDP tests', {
  root: true,
  commands: [{ name: 'ip', debianPackage: 'iproute2' }],
});

/** Collects datagrams until `count` arrived or `quietMs` passed without one. */
function collect(socket: UdpSocket, count: number, quietMs = 300): Promise<UdpDatagram[]> {
  return new Promise((resolve) => {
    const got: UdpDatagram[] = [];
    let timer = setTimeout(() => resolve(got), quietMs);
    socket.onMessage((datagram) => {
      got.push(datagram);
      clearTimeout(timer);
      if (got.length >= count) resolve(got);
      else timer = setTimeout(() => resolve(got), quietMs);
    });
  });
}

describe.skipIf(!ready)('openUdpSocket (as root, veth pair between two namespaces)', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await createLab({
      nodes: ['a', 'b'],
      bridge: 'none',
      ipv4Subnet: '198.51.100.0/24',
      ipv6Prefix: '2001:db8:5::/64',
    });
    await Promise.all(lab.nodes.map((node) => node.refresh()));
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  for (const family of [4, 6] as const) {
    it(`IPv${family}: sends with the TTL set, reports received TTL, source and interface`, async () => {
      const [a, b] = lab.nodes as [NonNullable<Lab['nodes'][0]>, NonNullable<Lab['nodes'][0]>];
      const address = (host: typeof a) => (family === 4 ? host.ipv4 : host.ipv6);
      const receiver = openUdpSocket({ family, address: address(b), port: 3784, netns: b.namespace });
      const gtsm = openUdpSocket({ family, address: address(a), port: 49152, ttl: 255, netns: a.namespace });
      const plain = openUdpSocket({ family, address: address(a), ttl: 64, netns: a.namespace });
      try {
        expect(receiver.local).toEqual({ family, address: address(b), port: 3784 });
        const arrived = collect(receiver, 2);
        expect(plain.send(Buffer.from('ttl64'), address(b), 3784)).toBe(true);
        expect(gtsm.send(Buffer.from('ttl255'), address(b), 3784)).toBe(true);
        const got = await arrived;
        expect(got.map((d) => [d.data.toString(), d.ttl])).toEqual([
          ['ttl64', 64],
          ['ttl255', 255],
        ]);
        expect(got[1]!.from).toEqual({ family, address: address(a), port: 49152 });
        const { stdout } = await b.exec('cat', [`/sys/class/net/${b.ifname}/ifindex`]);
        expect(got[1]!.ifindex).toBe(Number(stdout.trim()));
      } finally {
        receiver.close();
        gtsm.close();
        plain.close();
      }
    });
  }

  it('reports the TTL of a wildcard-bound socket too', async () => {
    const [a, b] = lab.nodes as [NonNullable<Lab['nodes'][0]>, NonNullable<Lab['nodes'][0]>];
    const receiver = openUdpSocket({ family: 4, netns: b.namespace });
    const sender = openUdpSocket({ family: 4, ttl: 17, netns: a.namespace });
    try {
      const arrived = collect(receiver, 1);
      sender.send(Buffer.from('x'), b.ipv4, receiver.local.port);
      expect((await arrived).map((d) => d.ttl)).toEqual([17]);
    } finally {
      receiver.close();
      sender.close();
    }
  });

  it('fails with typed errors: bad TTL, address in use, send after close', () => {
    const b = lab.nodes[1]!;
    expect(() => openUdpSocket({ family: 4, ttl: 0 })).toThrow(InvalidArgumentError);
    const first = openUdpSocket({ family: 4, address: b.ipv4, port: 3785, netns: b.namespace });
    try {
      expect(() => openUdpSocket({ family: 4, address: b.ipv4, port: 3785, netns: b.namespace })).toThrow(
        expect.objectContaining({ code: 'EADDRINUSE', op: 'bind' }),
      );
    } finally {
      first.close();
    }
    expect(() => first.send(Buffer.from('x'), b.ipv4, 1)).toThrow(
      expect.objectContaining({ code: 'ERR_PACKET_CLOSED' }),
    );
  });
});
