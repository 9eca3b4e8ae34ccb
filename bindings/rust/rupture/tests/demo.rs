//! Replaying the demo capture from Rust gives what the CLI's `replay --json`
//! prints: the same streams (key numbers), the same ruptures and the same
//! summary.
//!
//! Inputs (environment):
//! * `RUPTURE_DEMO_PCAP` — the capture (default: `examples/data/demo.pcap.gz`
//!   of the source tree, found from `CARGO_MANIFEST_DIR`); the test is skipped
//!   with a message if it is missing.
//! * `RUPTURE_CLI` — the `rupture` program (default: `tools/rupture` next to
//!   the library that was linked, i.e. in the meson build dir); the CLI
//!   comparison is skipped with a message if none is found.
//!
//! The CLI's JSON is parsed with the small parser below (no serde here);
//! numbers are kept as their text, and every double is compared as the CLI
//! prints it (`%.6f`) against Rust's `{:.6}` of the value from the C API, so
//! the comparison is exact at the printed precision. Only keys this test
//! knows are compared; a key the CLI adds later is ignored, a key it drops
//! fails the test.
use rupture::*;
use std::path::PathBuf;
use std::process::Command;

#[derive(Debug, Clone, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    fn get(&self, k: &str) -> &J {
        match self {
            J::Obj(m) => {
                m.iter().find(|(n, _)| n == k).map(|(_, v)| v).unwrap_or_else(|| panic!("no key {k:?}"))
            }
            _ => panic!("not an object looking for {k:?}"),
        }
    }
    fn has(&self, k: &str) -> bool {
        matches!(self, J::Obj(m) if m.iter().any(|(n, _)| n == k))
    }
    fn arr(&self) -> &[J] {
        match self {
            J::Arr(v) => v,
            _ => panic!("not an array: {self:?}"),
        }
    }
    /// The scalar as text: numbers as printed, strings unquoted, "null", "true".
    fn text(&self) -> String {
        match self {
            J::Null => "null".into(),
            J::Bool(b) => b.to_string(),
            J::Num(n) => n.clone(),
            J::Str(s) => s.clone(),
            _ => panic!("not a scalar: {self:?}"),
        }
    }
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(self.b.get(self.i), Some(&c), "expected {:?} at {}", c as char, self.i);
        self.i += 1;
    }
    fn string(&mut self) -> String {
        self.eat(b'"');
        let mut out = Vec::new();
        while self.b[self.i] != b'"' {
            if self.b[self.i] == b'\\' {
                self.i += 1;
                match self.b[self.i] {
                    b'u' => {
                        let h = std::str::from_utf8(&self.b[self.i + 1..self.i + 5]).unwrap();
                        let c = char::from_u32(u32::from_str_radix(h, 16).unwrap()).unwrap();
                        out.extend_from_slice(c.to_string().as_bytes());
                        self.i += 4;
                    }
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    c => out.push(c),
                }
            } else {
                out.push(self.b[self.i]);
            }
            self.i += 1;
        }
        self.i += 1;
        String::from_utf8(out).unwrap()
    }
    fn value(&mut self) -> J {
        self.ws();
        match self.b[self.i] {
            b'{' => {
                self.i += 1;
                let mut m = Vec::new();
                self.ws();
                if self.b[self.i] == b'}' {
                    self.i += 1;
                    return J::Obj(m);
                }
                loop {
                    let k = self.string();
                    self.eat(b':');
                    m.push((k, self.value()));
                    self.ws();
                    self.i += 1;
                    if self.b[self.i - 1] == b'}' {
                        return J::Obj(m);
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut v = Vec::new();
                self.ws();
                if self.b[self.i] == b']' {
                    self.i += 1;
                    return J::Arr(v);
                }
                loop {
                    v.push(self.value());
                    self.ws();
                    self.i += 1;
                    if self.b[self.i - 1] == b']' {
                        return J::Arr(v);
                    }
                }
            }
            b'"' => J::Str(self.string()),
            b'n' => {
                self.i += 4;
                J::Null
            }
            b't' => {
                self.i += 4;
                J::Bool(true)
            }
            b'f' => {
                self.i += 5;
                J::Bool(false)
            }
            _ => {
                let s = self.i;
                while self.i < self.b.len() && b"+-0123456789.eE".contains(&self.b[self.i]) {
                    self.i += 1;
                }
                J::Num(std::str::from_utf8(&self.b[s..self.i]).unwrap().to_string())
            }
        }
    }
}

fn parse(text: &str) -> J {
    let mut p = Parser { b: text.as_bytes(), i: 0 };
    let v = p.value();
    p.ws();
    assert_eq!(p.i, text.len(), "trailing data in the CLI output");
    v
}

fn f6(x: f64) -> String {
    format!("{x:.6}")
}
fn opt6(x: Option<f64>) -> String {
    x.map_or("null".into(), f6)
}

fn demo_path() -> Option<PathBuf> {
    let p = std::env::var_os("RUPTURE_DEMO_PCAP").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../examples/data/demo.pcap.gz")
    });
    p.is_file().then_some(p)
}

fn cli_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("RUPTURE_CLI") {
        return Some(PathBuf::from(p));
    }
    let lib_dir = option_env!("RUPTURE_LIB_DIR_FOUND")?;
    let p = PathBuf::from(lib_dir).join("tools/rupture");
    p.is_file().then_some(p)
}

/// Collects mismatches so one run shows all of them.
struct Cmp(Vec<String>);
impl Cmp {
    fn eq(&mut self, what: &str, cli: &J, ours: impl Into<String>) {
        let (c, o) = (cli.text(), ours.into());
        if c != o {
            self.0.push(format!("{what}: CLI {c}, Rust {o}"));
        }
    }
}

#[test]
fn demo_replay_matches_the_cli() {
    let Some(pcap) = demo_path() else {
        eprintln!("SKIP: demo capture not found (set RUPTURE_DEMO_PCAP)");
        return;
    };
    let rep = replay(&pcap, &["10.0.0.1"]).expect("replay the demo");
    // Sanity without the CLI: the demo is a two-party call with audio and
    // video both ways (examples/data/README.md).
    assert!(rep.trace_error.is_none());
    assert_eq!(rep.streams.len(), 4);
    for d in [Direction::Inbound, Direction::Outbound] {
        for m in [Media::Audio, Media::Video] {
            assert!(rep.streams.iter().any(|s| s.direction == d && s.media == m), "{d} {m}");
        }
    }
    if HAS_RUPTURES {
        assert!(!rep.ruptures.is_empty(), "the demo has ruptures");
    }

    let Some(cli) = cli_path() else {
        eprintln!("SKIP: CLI comparison (set RUPTURE_CLI to the rupture program)");
        return;
    };
    let out = Command::new(&cli)
        .arg("replay")
        .arg(&pcap)
        .args(["--local", "10.0.0.1", "--json"])
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", cli.display()));
    assert!(out.status.success(), "{} failed: {}", cli.display(), String::from_utf8_lossy(&out.stderr));
    let j = parse(std::str::from_utf8(&out.stdout).unwrap());
    let mut c = Cmp(Vec::new());

    c.eq("rupture_version", j.get("rupture_version"), version_string());
    let input = j.get("input");
    c.eq("input.format", input.get("format"), rep.input.format.as_str());
    c.eq("input.gzip", input.get("gzip"), rep.input.gzip.to_string());
    c.eq("input.packets", input.get("packets"), rep.input.records.to_string());
    c.eq("input.udp_packets", input.get("udp_packets"), rep.input.udp.to_string());
    c.eq("input.rtp_packets", input.get("rtp_packets"), rep.counters.rtp.to_string());
    c.eq("input.rtcp_packets", input.get("rtcp_packets"), rep.counters.rtcp.to_string());
    let other = rep.counters.stun + rep.counters.dtls + rep.counters.unknown;
    c.eq("input.other_packets", input.get("other_packets"), other.to_string());
    c.eq("input.malformed_packets", input.get("malformed_packets"), rep.counters.malformed.to_string());
    c.eq("input.start_epoch_s", input.get("start_epoch_s"), f6(rep.base_us() as f64 / 1e6));
    c.eq("input.duration_s", input.get("duration_s"), f6(rep.duration_s()));

    let streams = j.get("streams").arr();
    assert_eq!(streams.len(), rep.streams.len(), "stream count");
    for (i, (js, s)) in streams.iter().zip(&rep.streams).enumerate() {
        let w = |k: &str| format!("streams[{i}].{k}");
        c.eq(&w("ssrc"), js.get("ssrc"), s.ssrc.to_string());
        c.eq(&w("direction"), js.get("direction"), s.direction.as_str());
        c.eq(&w("participant"), js.get("participant"), s.participant.to_string());
        c.eq(&w("src"), js.get("src"), s.src.to_string());
        c.eq(&w("dst"), js.get("dst"), s.dst.to_string());
        c.eq(&w("media"), js.get("media"), s.media.as_str());
        c.eq(&w("codec"), js.get("codec"), s.codec.as_str());
        c.eq(
            &w("payload_type"),
            js.get("payload_type"),
            s.payload_type.map_or("null".into(), |p| p.to_string()),
        );
        c.eq(&w("clock_rate"), js.get("clock_rate"), s.clock_rate.map_or("null".into(), |p| p.to_string()));
        c.eq(&w("first_s"), js.get("first_s"), f6(rep.rel_s(s.first_arrival_us)));
        c.eq(&w("last_s"), js.get("last_s"), f6(rep.rel_s(s.last_arrival_us)));
        c.eq(&w("packets"), js.get("packets"), s.packets.to_string());
        c.eq(&w("received"), js.get("received"), s.received.to_string());
        c.eq(&w("expected"), js.get("expected"), s.expected.to_string());
        c.eq(&w("lost"), js.get("lost"), s.lost.to_string());
        c.eq(&w("loss_pct"), js.get("loss_pct"), f6(s.loss_pct()));
        c.eq(&w("duplicates"), js.get("duplicates"), s.duplicates.to_string());
        c.eq(&w("reordered"), js.get("reordered"), s.reordered.to_string());
        c.eq(&w("restarts"), js.get("restarts"), s.restarts.to_string());
        let clk = |x: f64| if s.clock_rate.is_some() { f6(x) } else { "null".into() };
        c.eq(&w("jitter_ms"), js.get("jitter_ms"), clk(s.jitter_ms));
        c.eq(&w("jitter_ms_max"), js.get("jitter_ms_max"), clk(s.jitter_ms_max));
        c.eq(&w("jitter_ms_mean"), js.get("jitter_ms_mean"), clk(s.jitter_ms_mean));
        c.eq(&w("max_gap_ms"), js.get("max_gap_ms"), f6(s.max_gap_ms));
        c.eq(&w("burst_density"), js.get("burst_density"), f6(s.burst_density));
        c.eq(&w("gap_density"), js.get("gap_density"), f6(s.gap_density));
        c.eq(&w("bitrate_kbps"), js.get("bitrate_kbps"), f6(s.bitrate_bps / 1000.0));
        c.eq(&w("rtt_ms"), js.get("rtt_ms"), opt6(s.rtt_ms));
        c.eq(&w("mos"), js.get("mos"), opt6(s.mos));
        c.eq(&w("nack"), js.get("nack"), s.nack_count.to_string());
        c.eq(&w("pli"), js.get("pli"), s.pli_count.to_string());
        c.eq(&w("fir"), js.get("fir"), s.fir_count.to_string());
        c.eq(&w("bye"), js.get("bye"), s.bye.to_string());
        let ws = js.get("wireshark");
        c.eq(&w("wireshark.expected"), ws.get("expected"), s.ws_expected.to_string());
        c.eq(&w("wireshark.lost"), ws.get("lost"), s.ws_lost.to_string());
        if s.has_playback && s.media == Media::Video {
            c.eq(&w("frames"), js.get("frames"), s.frames_received.to_string());
            c.eq(&w("frames_decoded"), js.get("frames_decoded"), s.frames_decoded.to_string());
            c.eq(&w("freeze_count"), js.get("freeze_count"), s.freeze_count.to_string());
            c.eq(
                &w("total_freezes_duration_s"),
                js.get("total_freezes_duration_s"),
                f6(s.total_freezes_duration_s),
            );
        }
        if s.has_playback && s.media == Media::Audio {
            c.eq(&w("interruption_count"), js.get("interruption_count"), s.interruption_count.to_string());
            c.eq(&w("dtx_s"), js.get("dtx_s"), f6(s.dtx_duration_s));
            c.eq(&w("speech_s"), js.get("speech_s"), opt6(s.speech_duration_s));
        }
    }

    let ruptures = j.get("ruptures").arr();
    assert_eq!(ruptures.len(), rep.ruptures.len(), "rupture count");
    for (i, (jr, r)) in ruptures.iter().zip(&rep.ruptures).enumerate() {
        let w = |k: &str| format!("ruptures[{i}].{k}");
        c.eq(&w("id"), jr.get("id"), r.id.to_string());
        c.eq(&w("type"), jr.get("type"), r.rupture_type.as_str());
        c.eq(&w("cause"), jr.get("cause"), r.cause.as_str());
        c.eq(&w("severity"), jr.get("severity"), r.severity.as_str());
        c.eq(&w("direction"), jr.get("direction"), r.direction.as_str());
        c.eq(&w("participant"), jr.get("participant"), r.participant.to_string());
        c.eq(&w("repair"), jr.get("repair"), r.repair.as_str());
        let ssrcs: Vec<String> = jr.get("ssrcs").arr().iter().map(J::text).collect();
        let ours: Vec<String> = r.ssrcs.iter().map(u32::to_string).collect();
        if ssrcs != ours {
            c.0.push(format!("{}: CLI {ssrcs:?}, Rust {ours:?}", w("ssrcs")));
        }
        c.eq(&w("start_s"), jr.get("start_s"), f6(rep.rel_s(r.start_us)));
        if jr.has("detected_s") {
            c.eq(&w("detected_s"), jr.get("detected_s"), f6(rep.rel_s(r.detected_us)));
        }
        c.eq(&w("end_s"), jr.get("end_s"), opt6(r.end_us.map(|e| rep.rel_s(e))));
        if jr.has("duration_s") {
            c.eq(&w("duration_s"), jr.get("duration_s"), opt6(r.duration_us().map(|d| d as f64 / 1e6)));
        }
        if jr.has("acknowledged") {
            c.eq(&w("acknowledged"), jr.get("acknowledged"), r.acknowledged_us.is_some().to_string());
        }
        if jr.has("acknowledged_s") {
            c.eq(
                &w("acknowledged_s"),
                jr.get("acknowledged_s"),
                opt6(r.acknowledged_us.map(|a| rep.rel_s(a))),
            );
        }
        if jr.has("speech_missed_s") {
            c.eq(&w("speech_missed_s"), jr.get("speech_missed_s"), opt6(r.speech_missed_s));
        }
    }

    let sm = j.get("summary");
    c.eq("summary.rupture_count", sm.get("rupture_count"), rep.summary.rupture_count.to_string());
    c.eq("summary.rupture_time_s", sm.get("rupture_time_s"), f6(rep.summary.rupture_time_s));
    let by_type = sm.get("by_type");
    for t in RuptureType::ALL {
        let n = rep.summary.count(*t);
        if by_type.has(t.as_str()) {
            c.eq(&format!("summary.by_type.{t}"), by_type.get(t.as_str()), n.to_string());
        } else if n != 0 {
            c.0.push(format!("summary.by_type.{t}: CLI absent, Rust {n}"));
        }
    }
    let opt_keys: [(&str, String); 4] = [
        ("longest_s", f6(rep.summary.longest_s)),
        ("speech_missed_s", f6(rep.summary.speech_missed_s)),
        ("acknowledged", rep.summary.acknowledged.to_string()),
        ("ruptures_dropped", rep.summary.ruptures_dropped.to_string()),
    ];
    for (k, v) in opt_keys {
        if sm.has(k) {
            c.eq(&format!("summary.{k}"), sm.get(k), v);
        }
    }
    c.eq("summary.mos_min", sm.get("mos_min"), opt6(rep.summary.mos_min));
    c.eq(
        "summary.quality_level_min",
        sm.get("quality_level_min"),
        rep.summary.quality_level_min.map_or("null".into(), |q| q.to_string()),
    );
    assert!(c.0.is_empty(), "Rust replay differs from `rupture replay --json`:\n{}", c.0.join("\n"));
}

#[test]
fn json_parser_reads_what_it_must() {
    let j = parse(r#"{"a": [1, -2.500000, null, true], "b": {"c": "x\"y\u0041"}, "e": {}, "f": []}"#);
    assert_eq!(j.get("a").arr()[1].text(), "-2.500000");
    assert_eq!(j.get("a").arr()[2], J::Null);
    assert_eq!(j.get("b").get("c").text(), "x\"yA");
    assert!(j.get("f").arr().is_empty());
    assert!(!j.has("zz"));
}
