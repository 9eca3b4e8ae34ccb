//! Helpers shared by the integration tests: RTP packets and a tiny pcap writer.
#![allow(dead_code)]

/// An RTP packet (RFC 3550 §5.1): V=2, no padding/extension/CSRC.
pub fn rtp(pt: u8, seq: u16, ts: u32, ssrc: u32, marker: bool, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x80, pt | if marker { 0x80 } else { 0 }];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&ts.to_be_bytes());
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

/// A G.711 µ-law (static PT 0, 8 kHz) packet of 20 ms: 160 bytes.
pub fn pcmu(seq: u16, ssrc: u32) -> Vec<u8> {
    rtp(0, seq, u32::from(seq).wrapping_mul(160), ssrc, false, &[0xff; 160])
}

/// Classic pcap (µs, little-endian, Ethernet) holding UDP/IPv4 datagrams.
pub struct Pcap(pub Vec<u8>);

impl Pcap {
    pub fn new() -> Pcap {
        let mut b = Vec::new();
        b.extend_from_slice(&0xa1b2c3d4u32.to_le_bytes());
        b.extend_from_slice(&2u16.to_le_bytes());
        b.extend_from_slice(&4u16.to_le_bytes());
        b.extend_from_slice(&0i32.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&65535u32.to_le_bytes());
        b.extend_from_slice(&1u32.to_le_bytes()); // LINKTYPE_ETHERNET
        Pcap(b)
    }

    pub fn udp(&mut self, ts_us: i64, src: ([u8; 4], u16), dst: ([u8; 4], u16), payload: &[u8]) {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&0x0800u16.to_be_bytes());
        let total = (20 + 8 + payload.len()) as u16;
        let mut ip = vec![0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0];
        ip[2..4].copy_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(&src.0);
        ip.extend_from_slice(&dst.0);
        let sum = ip.chunks(2).fold(0u32, |a, c| a + u32::from(u16::from_be_bytes([c[0], c[1]])));
        let sum = !(((sum & 0xffff) + (sum >> 16)) as u16);
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
        f.extend_from_slice(&ip);
        f.extend_from_slice(&src.1.to_be_bytes());
        f.extend_from_slice(&dst.1.to_be_bytes());
        f.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
        f.extend_from_slice(&0u16.to_be_bytes());
        f.extend_from_slice(payload);
        self.0.extend_from_slice(&((ts_us / 1_000_000) as u32).to_le_bytes());
        self.0.extend_from_slice(&((ts_us % 1_000_000) as u32).to_le_bytes());
        self.0.extend_from_slice(&(f.len() as u32).to_le_bytes());
        self.0.extend_from_slice(&(f.len() as u32).to_le_bytes());
        self.0.extend_from_slice(&f);
    }
}

/// A scratch directory under the system temp dir, unique per test.
pub fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("rupture-rs-{}-{}", name, std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
