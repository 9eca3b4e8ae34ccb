//! Unit tests of the safe API against the real library.
mod common;

use common::{pcmu, rtp, Pcap};
use rupture::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

const A: u32 = 0x1111_1111;
const B: u32 = 0x2222_2222;

fn new_session() -> Session {
    Session::new(&Settings::default()).unwrap()
}

#[test]
fn version_matches_header() {
    assert_eq!(version_num(), sys::RUP_VERSION_NUM);
    assert_eq!(version_string(), sys::RUP_VERSION);
}

#[test]
fn error_carries_code_name_and_message() {
    let e = Error::from_code(sys::RUP_ERR_TIME_REGRESSION);
    assert_eq!(e.code(), -103);
    assert_eq!(e.name(), "RUP_ERR_TIME_REGRESSION");
    assert_eq!(e.kind(), ErrorKind::TimeRegression);
    let c = unsafe { std::ffi::CStr::from_ptr(sys::rup_strerror(-103)) }.to_str().unwrap();
    assert_eq!(e.message(), c);
    assert!(!e.message().is_empty());
    let shown = e.to_string();
    assert!(shown.contains(e.message()) && shown.contains(e.name()), "{shown}");
    assert!(!e.is_fatal());
    assert!(Error::from_code(sys::RUP_ERR_NOMEM).is_fatal());
    assert_eq!(Error::from_code(-4242).kind(), ErrorKind::Other(-4242));
    assert_eq!(Error::from_code(-4242).name(), "RUP_ERR_UNKNOWN");
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(e);
    assert_eq!(boxed.to_string(), shown);
}

#[test]
fn settings_default_is_the_c_default_and_round_trips() {
    let mut raw = sys::rup_settings::default();
    assert_eq!(unsafe { sys::rup_settings_default_versioned(sys::RUP_SETTINGS_VERSION, &mut raw) }, 0);
    let s = Settings::default();
    assert_eq!(s.to_raw(), raw);
    assert_eq!(Settings::from_raw(&raw), s);
    assert!(s.max_streams > 0);
}

#[test]
fn invalid_settings_are_refused() {
    let s = Settings { stall_timeout_us: 0, ..Settings::default() };
    let e = Session::new(&s).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
}

#[test]
fn enum_names_match_the_library() {
    for c in Codec::ALL {
        let n = unsafe { std::ffi::CStr::from_ptr(sys::rup_codec_name(c.to_raw())) };
        assert_eq!(c.as_str(), n.to_str().unwrap());
        assert_eq!(Codec::from_raw(c.to_raw()), *c);
    }
    assert_eq!(Codec::Opus.media(), Media::Audio);
    assert_eq!(Codec::Vp8.media(), Media::Video);
    assert_eq!(Codec::from_raw(999), Codec::Other(999));
    #[cfg(rupture_ruptures)]
    unsafe {
        use std::ffi::CStr;
        for t in RuptureType::ALL {
            assert_eq!(t.as_str(), CStr::from_ptr(sys::rup_rupture_type_name(t.to_raw())).to_str().unwrap());
        }
        for c in Cause::ALL {
            assert_eq!(c.as_str(), CStr::from_ptr(sys::rup_cause_name(c.to_raw())).to_str().unwrap());
        }
        for s in Severity::ALL {
            assert_eq!(s.as_str(), CStr::from_ptr(sys::rup_severity_name(s.to_raw())).to_str().unwrap());
        }
        for r in Repair::ALL {
            assert_eq!(r.as_str(), CStr::from_ptr(sys::rup_repair_name(r.to_raw())).to_str().unwrap());
        }
    }
}

#[test]
fn endpoints_parse_and_format() {
    let e = Endpoint::parse("10.0.0.1:5004").unwrap();
    assert_eq!(e.to_string(), "10.0.0.1:5004");
    assert_eq!(e.port(), 5004);
    assert_eq!(e.ip(), Some("10.0.0.1".parse().unwrap()));
    let v6: Endpoint = "[2001:db8::1]:443".parse().unwrap();
    assert_eq!(v6.to_string(), "[2001:db8::1]:443");
    assert_eq!(Endpoint::from("[2001:db8::1]:443".parse::<std::net::SocketAddr>().unwrap()), v6);
    assert_eq!(Endpoint::parse("not an address").unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(Endpoint::parse("1.2.3.4\0").unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(Endpoint::default().to_string(), "");
    assert!(Endpoint::default().is_none());
}

#[test]
fn time_regression_is_refused_and_changes_nothing() {
    let mut s = new_session();
    s.push_packet(&pcmu(1, A), Direction::Inbound, 1_000_000).unwrap();
    let before = s.stream_stats(0).unwrap();
    let e = s.push_packet(&pcmu(2, A), Direction::Inbound, 999_999).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TimeRegression);
    assert_eq!(s.advance(500).unwrap_err().kind(), ErrorKind::TimeRegression);
    assert_eq!(s.stream_stats(0).unwrap(), before);
    assert_eq!(s.counters().unwrap().time_regressions, 2);
    // Equal time is not a regression.
    s.push_packet(&pcmu(2, A), Direction::Inbound, 1_000_000).unwrap();
}

#[test]
fn malformed_input_is_an_error_but_the_session_stays_usable() {
    let mut s = new_session();
    // RTP version 2 announcing 15 CSRCs (60 bytes) in a 16-byte datagram.
    let mut bad = pcmu(1, A);
    bad.truncate(16);
    bad[0] = 0x8f;
    let e = s.push_packet(&bad, Direction::Inbound, 10).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed, "{e}");
    assert!(!e.is_fatal());
    assert_eq!(s.counters().unwrap().malformed, 1);
    s.push_packet(&pcmu(1, A), Direction::Inbound, 20).unwrap();
    assert_eq!(s.stream_count(), 1);
}

#[test]
fn statistics_count_losses_per_rfc3550() {
    // Same stream twice, once complete and once with 3 packets missing: the
    // RFC 3550 A.3 `lost` must differ by exactly 3 and expected be equal.
    let run = |skip: &[u16]| {
        let mut s = new_session();
        for seq in 100u16..200 {
            if !skip.contains(&seq) {
                s.push_packet(&pcmu(seq, A), Direction::Inbound, i64::from(seq) * 20_000).unwrap();
            }
        }
        let i = s.find_stream(A, Direction::Inbound).unwrap();
        s.stream_stats(i).unwrap()
    };
    let full = run(&[]);
    let gap = run(&[150, 151, 170]);
    assert_eq!(full.packets, 100);
    assert_eq!(gap.packets, 97);
    assert_eq!(full.expected, gap.expected);
    assert_eq!(gap.lost - full.lost, 3);
    for st in [&full, &gap] {
        assert_eq!(st.lost, st.expected as i64 - st.received as i64);
        assert_eq!(st.codec, Codec::Pcmu);
        assert_eq!(st.media, Media::Audio);
        assert_eq!(st.clock_rate, Some(8000));
        assert_eq!(st.payload_type, Some(0));
        assert_eq!(st.ssrc, A);
    }
    assert!(gap.loss_pct() > full.loss_pct());
}

#[test]
fn statistics_only_keeps_statistics_and_analyses_no_ruptures() {
    // The same lossy stream through a full session and a statistics-only one:
    // identical RFC 3550 numbers, no playback model, ruptures not analysed.
    let run = |statistics_only: bool| {
        let mut s = Session::new(&Settings { statistics_only, ..Settings::default() }).unwrap();
        for seq in 100u16..200 {
            if seq % 7 != 0 {
                s.push_packet(&pcmu(seq, A), Direction::Inbound, i64::from(seq) * 20_000).unwrap();
            }
        }
        s.finish(4_000_000).unwrap();
        let i = s.find_stream(A, Direction::Inbound).unwrap();
        (s.stream_stats(i).unwrap(), s.summary())
    };
    let (full, full_sum) = run(false);
    let (fast, fast_sum) = run(true);
    assert_eq!((fast.packets, fast.expected, fast.lost), (full.packets, full.expected, full.lost));
    assert!(fast.lost > 0);
    assert_eq!(fast.jitter_ms, full.jitter_ms);
    if let (Ok(a), Ok(b)) = (full_sum, fast_sum) {
        assert!(a.ruptures_analysed);
        assert!(!b.ruptures_analysed);
    }
}

#[test]
fn find_stream_and_not_found() {
    let mut s = new_session();
    s.push_packet(&pcmu(1, A), Direction::Outbound, 1).unwrap();
    assert_eq!(s.find_stream(A, Direction::Outbound), Some(0));
    assert_eq!(s.find_stream(A, Direction::Inbound), None);
    assert_eq!(s.stream_stats(5).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(s.streams().unwrap().len(), 1);
}

#[test]
fn callbacks_receive_typed_events() {
    let (tx, rx) = mpsc::channel();
    let any = Arc::new(AtomicUsize::new(0));
    let any2 = Arc::clone(&any);
    let cbs = Callbacks::new().on_stream_added(move |ev| tx.send(ev.clone()).unwrap()).on_event(move |_| {
        any2.fetch_add(1, Ordering::SeqCst);
    });
    let mut s = Session::with_callbacks(&Settings::default(), cbs).unwrap();
    s.push_packet(&pcmu(1, A), Direction::Inbound, 1_000).unwrap();
    s.push_packet(&rtp(8, 7, 0, B, false, &[0xd5; 160]), Direction::Outbound, 2_000).unwrap();
    s.push_packet(&pcmu(2, A), Direction::Inbound, 21_000).unwrap();
    let got: Vec<Event> = rx.try_iter().collect();
    assert_eq!(got.len(), 2, "{got:?}");
    match &got[1] {
        Event::StreamAdded { time_us, ssrc, direction, index, codec, .. } => {
            assert_eq!((*time_us, *ssrc, *direction), (2_000, B, Direction::Outbound));
            assert_eq!(Some(*index), s.find_stream(B, Direction::Outbound));
            assert_eq!(*codec, Codec::Pcma);
        }
        e => panic!("unexpected {e:?}"),
    }
    assert!(any.load(Ordering::SeqCst) >= 2);
}

#[test]
fn panic_in_callback_is_resumed_from_the_triggering_call() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c2 = Arc::clone(&calls);
    let cbs = Callbacks::new().on_stream_added(move |ev| {
        c2.fetch_add(1, Ordering::SeqCst);
        if let Event::StreamAdded { ssrc, .. } = ev {
            if *ssrc == B {
                panic!("boom in callback");
            }
        }
    });
    let mut s = Session::with_callbacks(&Settings::default(), cbs).unwrap();
    s.push_packet(&pcmu(1, A), Direction::Inbound, 1_000).unwrap();
    let r = catch_unwind(AssertUnwindSafe(|| s.push_packet(&pcmu(1, B), Direction::Inbound, 2_000)));
    let payload = r.expect_err("the panic must come out of push_packet");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom in callback"));
    // Statistics were committed, and the session is still usable.
    assert_eq!(s.stream_count(), 2);
    s.push_packet(&pcmu(2, A), Direction::Inbound, 21_000).unwrap();
    s.push_packet(&pcmu(1, 0x3333_3333), Direction::Inbound, 22_000).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(s.stream_count(), 3);
}

#[test]
fn polled_events_iterate_and_drain() {
    let mut s = Session::new(&Settings::default().with_queue(64)).unwrap();
    s.push_packet(&pcmu(1, A), Direction::Inbound, 1_000).unwrap();
    s.push_packet(&pcmu(1, B), Direction::Outbound, 2_000).unwrap();
    let evs: Vec<Event> = s.events().collect();
    let ssrcs: Vec<u32> = evs
        .iter()
        .filter_map(|e| match e {
            Event::StreamAdded { ssrc, .. } => Some(*ssrc),
            _ => None,
        })
        .collect();
    assert_eq!(ssrcs, vec![A, B]);
    assert!(evs.windows(2).all(|w| w[0].time_us() <= w[1].time_us()));
    assert_eq!(s.events().count(), 0);
    // Without a queue nothing is polled.
    let mut q0 = new_session();
    q0.push_packet(&pcmu(1, A), Direction::Inbound, 1_000).unwrap();
    assert_eq!(q0.poll_event(), None);
}

#[test]
fn advancing_past_the_deadline_reports_a_stall() {
    let settings = Settings::default().with_queue(64);
    let mut s = Session::new(&settings).unwrap();
    let mut t = 0;
    for seq in 0u16..100 {
        t = i64::from(seq) * 20_000;
        s.push_packet(&pcmu(seq, A), Direction::Inbound, t).unwrap();
    }
    let last = t;
    let _ = s.events().count();
    // Step through the deadlines the session asks for.
    let mut guard = 0;
    while let Some(d) = s.next_deadline() {
        if d > last + 3 * settings.stall_timeout_us || guard > 10_000 {
            break;
        }
        assert!(d >= last, "deadline {d} before the last packet {last}");
        s.advance(d).unwrap();
        guard += 1;
    }
    s.advance(last + 3 * settings.stall_timeout_us).unwrap();
    let stall = s
        .events()
        .find_map(|e| match e {
            Event::Impairment {
                kind: ImpairmentKind::Stall,
                phase: ImpairmentPhase::Begin,
                start_us,
                detected_us,
                evidence,
                ..
            } => Some((start_us, detected_us, evidence)),
            _ => None,
        })
        .expect("a stall impairment");
    assert_eq!(stall.0, last);
    assert!(stall.1 >= last + settings.stall_timeout_us, "{stall:?}");
    assert!(stall.2.contains(Evidence::NO_PACKETS));
    // finish closes it; then the session refuses input.
    s.finish(last + 4 * settings.stall_timeout_us).unwrap();
    let ended = s.events().any(|e| {
        matches!(
            e,
            Event::Impairment {
                kind: ImpairmentKind::Stall,
                phase: ImpairmentPhase::End,
                end_us: Some(_),
                ..
            }
        )
    });
    assert!(ended);
    let e =
        s.push_packet(&pcmu(200, A), Direction::Inbound, last + 5 * settings.stall_timeout_us).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState);
}

#[test]
fn rupture_calls_without_detection_are_unsupported_or_work() {
    let mut s = new_session();
    if HAS_RUPTURES {
        assert_eq!(s.rupture_count(), 0);
        assert_eq!(s.ruptures().unwrap(), vec![]);
        assert_eq!(s.rupture(0).unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(s.summary().unwrap().rupture_count, 0);
        assert_eq!(s.ack_rupture(42, 0).unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(s.set_stream_paused(A, Direction::Inbound, true).unwrap_err().kind(), ErrorKind::NotFound);
        s.push_packet(&pcmu(1, A), Direction::Inbound, 1).unwrap();
        s.set_stream_paused(A, Direction::Inbound, true).unwrap();
    } else {
        assert_eq!(s.summary().unwrap_err().kind(), ErrorKind::Unsupported);
        assert_eq!(s.rupture_count(), 0);
    }
}

#[test]
fn session_is_send_and_not_sync() {
    fn send<T: Send>() {}
    send::<Session>();
    send::<Trace>();
    // Compile-time "not Sync": ambiguous if Session were Sync.
    trait AmbiguousIfSync<A> {
        fn check() {}
    }
    impl<T: ?Sized> AmbiguousIfSync<()> for T {}
    impl<T: ?Sized + Sync> AmbiguousIfSync<u8> for T {}
    <Session as AmbiguousIfSync<_>>::check();
    // And it really moves across threads.
    let mut s = new_session();
    s.push_packet(&pcmu(1, A), Direction::Inbound, 1).unwrap();
    let n = std::thread::spawn(move || s.stream_count()).join().unwrap();
    assert_eq!(n, 1);
}

#[test]
fn trace_iterates_packets_and_reports_damage() {
    let mut p = Pcap::new();
    let a = ([10, 0, 0, 1], 40000);
    let b = ([10, 0, 0, 2], 50000);
    for seq in 0u16..10 {
        p.udp(1_700_000_000_000_000 + i64::from(seq) * 20_000, b, a, &pcmu(seq, A));
    }
    let bytes = p.0.clone();
    let t = Trace::from_bytes(bytes.clone()).unwrap();
    let pkts: Vec<Packet> = t.map(|r| r.unwrap()).collect();
    assert_eq!(pkts.len(), 10);
    assert_eq!(pkts[3].record, 4);
    assert_eq!(pkts[3].ts_us, 1_700_000_000_060_000);
    assert_eq!(pkts[3].payload, pcmu(3, A));
    assert_eq!(pkts[3].src.to_string(), "10.0.0.2:50000");
    assert_eq!(pkts[3].dst.to_string(), "10.0.0.1:40000");
    // Cut the last record in half: nine packets, then Truncated, then the end.
    let cut = bytes.len() - 50;
    let mut t = Trace::from_bytes(&bytes[..cut]).unwrap();
    let items: Vec<Result<Packet>> = t.by_ref().collect();
    assert_eq!(items.len(), 10);
    assert_eq!(items[9].as_ref().unwrap_err().kind(), ErrorKind::Truncated);
    assert!(t.next().is_none());
    let info = t.info();
    assert_eq!(info.udp, 9);
    assert_eq!(info.format, TraceFormat::Pcap);
    assert_eq!(info.first_ts_us, Some(1_700_000_000_000_000));
    // Not a capture at all.
    assert_eq!(Trace::from_bytes(vec![0u8; 64]).unwrap_err().kind(), ErrorKind::Format);
    assert_eq!(Trace::open("/nonexistent/x.pcap").unwrap_err().kind(), ErrorKind::Io);
}

#[test]
fn replay_of_a_written_capture() {
    let mut p = Pcap::new();
    let local = ([10, 0, 0, 1], 40000);
    let remote = ([10, 0, 0, 2], 50000);
    let t0 = 1_700_000_000_000_000i64;
    for seq in 0u16..50 {
        let t = t0 + i64::from(seq) * 20_000;
        if seq != 20 {
            p.udp(t, remote, local, &pcmu(seq, A));
        }
        p.udp(t + 1_000, local, remote, &pcmu(seq, B));
    }
    let dir = common::scratch("replay");
    let path = dir.join("call.pcap");
    std::fs::write(&path, &p.0).unwrap();
    let rep = replay(&path, &["10.0.0.1"]).unwrap();
    assert!(rep.trace_error.is_none());
    assert_eq!(rep.input.records, 99);
    assert_eq!(rep.base_us(), t0);
    assert_eq!(rep.streams.len(), 2);
    let inb = rep.streams.iter().find(|s| s.ssrc == A).unwrap();
    let out = rep.streams.iter().find(|s| s.ssrc == B).unwrap();
    assert_eq!(inb.direction, Direction::Inbound);
    assert_eq!(out.direction, Direction::Outbound);
    assert_eq!(inb.packets, 49);
    assert_eq!(out.packets, 50);
    assert_eq!(inb.lost - out.lost, 1);
    assert_eq!(inb.src.to_string(), "10.0.0.2:50000");
    assert_eq!(rep.counters.rtp, 99);
    assert_eq!(rep.rel_s(inb.first_arrival_us), 0.0);
    // A truncated copy still gives a report, with the error.
    std::fs::write(&path, &p.0[..p.0.len() - 30]).unwrap();
    let rep = replay(&path, &["10.0.0.1"]).unwrap();
    assert_eq!(rep.trace_error.map(|e| e.kind()), Some(ErrorKind::Truncated));
    assert_eq!(rep.streams.iter().map(|s| s.packets).sum::<u64>(), 98);
    assert_eq!(replay(dir.join("missing.pcap"), &[]).unwrap_err().kind(), ErrorKind::Io);
    assert_eq!(replay(&path, &["bogus"]).unwrap_err().kind(), ErrorKind::InvalidArgument);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A 2-second outage of an inbound stream: rupture events (polled) agree
/// with the history, and acknowledging is recorded in rupture and summary.
#[test]
fn outage_gives_rupture_events_history_and_ack() {
    if !HAS_RUPTURES {
        eprintln!("SKIP: library without rupture detection");
        return;
    }
    let mut s = Session::new(&Settings::default().with_queue(256)).unwrap();
    let mut events = Vec::new();
    for seq in 0u16..500 {
        let now = i64::from(seq) * 20_000;
        while let Some(d) = s.next_deadline().filter(|&d| d <= now) {
            s.advance(d).unwrap();
        }
        if !(200..300).contains(&seq) {
            s.push_packet(&pcmu(seq, A), Direction::Inbound, now).unwrap();
        }
        events.extend(s.events());
    }
    let end_t = 500 * 20_000;
    let hist = s.ruptures().unwrap();
    assert!(!hist.is_empty(), "an outage of 2 s is a rupture");
    let begins: Vec<&Rupture> = events
        .iter()
        .filter(|e| matches!(e, Event::RuptureBegin { .. }))
        .filter_map(Event::rupture)
        .collect();
    let ends: Vec<&Rupture> =
        events.iter().filter(|e| matches!(e, Event::RuptureEnd { .. })).filter_map(Event::rupture).collect();
    assert_eq!(begins.len(), hist.len());
    for r in &hist {
        assert!(begins.iter().any(|b| b.id == r.id));
        assert!(r.ssrcs.contains(&A));
        assert_eq!(r.direction, Direction::Inbound);
        // The outage is packets 200..300, i.e. 4.0 s .. 6.0 s.
        assert!(r.start_us >= 3_980_000 && r.start_us <= 4_100_000, "{r:?}");
        let end = ends.iter().find(|e| e.id == r.id).expect("ended before the stream resumed long");
        assert_eq!(end.end_us, r.end_us);
        assert!(r.end_us.unwrap() >= 6_000_000);
    }
    assert_eq!(s.summary().unwrap().rupture_count as usize, hist.len());
    assert_eq!(s.summary().unwrap().acknowledged, 0);
    s.ack_rupture(hist[0].id, end_t).unwrap();
    assert_eq!(s.rupture(0).unwrap().acknowledged_us, Some(end_t));
    assert_eq!(s.summary().unwrap().acknowledged, 1);
    assert_eq!(s.ack_rupture(999, end_t).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(s.ack_rupture(hist[0].id, 1_000).unwrap_err().kind(), ErrorKind::TimeRegression);
}
