use crate::endpoint::Endpoint;
use crate::error::{check, Error, Result};
use rupture_sys as sys;
use std::ffi::CString;
use std::path::Path;
use std::ptr::{self, NonNull};

/// Capture container format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TraceFormat {
    /// libpcap.
    Pcap,
    /// pcapng.
    Pcapng,
    /// Not known (yet).
    Unknown(i32),
}

impl TraceFormat {
    /// "pcap" / "pcapng", as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            TraceFormat::Pcap => "pcap",
            TraceFormat::Pcapng => "pcapng",
            TraceFormat::Unknown(_) => "unknown",
        }
    }
}

/// What a trace reader has seen so far (`rup_trace_info`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // field meanings: rupture.h, rup_trace_info
pub struct TraceInfo {
    pub format: TraceFormat,
    pub gzip: bool,
    pub nanosecond: bool,
    pub records: u64,
    pub udp: u64,
    pub skipped_non_udp: u64,
    pub skipped_fragments: u64,
    pub skipped_link: u64,
    pub skipped_bad: u64,
    /// First record (any protocol), `None` if none.
    pub first_ts_us: Option<i64>,
    pub last_ts_us: i64,
    pub bytes_read: u64,
    /// `None` if unknown.
    pub file_size: Option<u64>,
}

/// One UDP datagram of a capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// Capture timestamp, µs since the Unix epoch.
    pub ts_us: i64,
    /// 1-based index of the record in the file.
    pub record: u64,
    /// UDP payload.
    pub payload: Vec<u8>,
    /// IP source and UDP source port.
    pub src: Endpoint,
    /// IP destination and UDP destination port.
    pub dst: Endpoint,
}

/// A capture reader (pcap, pcapng, optionally gzip-compressed). As an
/// `Iterator` it yields the UDP datagrams (`Ok(Packet)`), then at most one
/// `Err` if the file is damaged, then ends.
pub struct Trace {
    raw: NonNull<sys::rup_trace>,
    _buf: Option<Box<[u8]>>, // kept alive for open_memory
    done: bool,
}

// SAFETY: the reader has no thread affinity; &mut self for every change.
unsafe impl Send for Trace {}

impl Trace {
    /// Open a capture file.
    pub fn open(path: impl AsRef<Path>) -> Result<Trace> {
        let p = path_cstring(path.as_ref())?;
        let mut out: *mut sys::rup_trace = ptr::null_mut();
        // SAFETY: valid out-pointer and string.
        check(unsafe { sys::rup_trace_open(&mut out, p.as_ptr(), ptr::null()) })?;
        let raw = NonNull::new(out).ok_or(Error::from_code(sys::RUP_ERR_INTERNAL))?;
        Ok(Trace { raw, _buf: None, done: false })
    }

    /// Read a capture held in memory (the bytes are moved into the reader).
    pub fn from_bytes(data: impl Into<Vec<u8>>) -> Result<Trace> {
        let buf: Box<[u8]> = data.into().into_boxed_slice();
        let mut out: *mut sys::rup_trace = ptr::null_mut();
        // SAFETY: the buffer is owned by the Trace and outlives the reader.
        check(unsafe { sys::rup_trace_open_memory(&mut out, buf.as_ptr(), buf.len(), ptr::null()) })?;
        let raw = NonNull::new(out).ok_or(Error::from_code(sys::RUP_ERR_INTERNAL))?;
        Ok(Trace { raw, _buf: Some(buf), done: false })
    }

    /// The C handle (owned by this `Trace`).
    pub fn as_ptr(&self) -> *mut sys::rup_trace {
        self.raw.as_ptr()
    }

    /// What the reader has seen so far.
    pub fn info(&self) -> TraceInfo {
        let mut i = sys::rup_trace_info::default();
        // SAFETY: valid handle; cannot fail with our version.
        let rc =
            unsafe { sys::rup_trace_get_info_versioned(self.as_ptr(), sys::RUP_TRACE_INFO_VERSION, &mut i) };
        debug_assert_eq!(rc, 0);
        TraceInfo {
            format: match i.format {
                sys::RUP_TRACE_PCAP => TraceFormat::Pcap,
                sys::RUP_TRACE_PCAPNG => TraceFormat::Pcapng,
                f => TraceFormat::Unknown(f),
            },
            gzip: i.gzip != 0,
            nanosecond: i.nanosecond != 0,
            records: i.records,
            udp: i.udp,
            skipped_non_udp: i.skipped_non_udp,
            skipped_fragments: i.skipped_fragments,
            skipped_link: i.skipped_link,
            skipped_bad: i.skipped_bad,
            first_ts_us: (i.first_ts_us != i64::MIN).then_some(i.first_ts_us),
            last_ts_us: i.last_ts_us,
            bytes_read: i.bytes_read,
            file_size: (i.file_size != 0).then_some(i.file_size),
        }
    }
}

#[cfg(unix)]
pub(crate) fn path_cstring(p: &Path) -> Result<CString> {
    use std::os::unix::ffi::OsStrExt;
    CString::new(p.as_os_str().as_bytes()).map_err(|_| Error::from_code(sys::RUP_ERR_INVALID_ARGUMENT))
}

#[cfg(not(unix))]
pub(crate) fn path_cstring(p: &Path) -> Result<CString> {
    let s = p.to_str().ok_or(Error::from_code(sys::RUP_ERR_INVALID_ARGUMENT))?;
    CString::new(s).map_err(|_| Error::from_code(sys::RUP_ERR_INVALID_ARGUMENT))
}

impl Iterator for Trace {
    type Item = Result<Packet>;
    fn next(&mut self) -> Option<Result<Packet>> {
        if self.done {
            return None;
        }
        let mut p = std::mem::MaybeUninit::<sys::rup_trace_packet>::zeroed();
        // SAFETY: valid handle and out-pointer; an all-zero packet is valid.
        let rc = unsafe { sys::rup_trace_next(self.as_ptr(), p.as_mut_ptr()) };
        match rc {
            1 => {
                // SAFETY: filled by the library; payload valid until the next call.
                let p = unsafe { p.assume_init() };
                let payload = if p.payload.is_null() || p.payload_len == 0 {
                    Vec::new()
                } else {
                    // SAFETY: payload_len bytes at payload, valid until the next call.
                    unsafe { std::slice::from_raw_parts(p.payload, p.payload_len) }.to_vec()
                };
                Some(Ok(Packet {
                    ts_us: p.ts_us,
                    record: p.record,
                    payload,
                    src: Endpoint(p.src),
                    dst: Endpoint(p.dst),
                }))
            }
            0 => {
                self.done = true;
                None
            }
            e => {
                self.done = true;
                Some(Err(Error::from_code(e)))
            }
        }
    }
}

impl Drop for Trace {
    fn drop(&mut self) {
        // SAFETY: we own the handle.
        unsafe { sys::rup_trace_del(self.raw.as_ptr()) };
    }
}

impl std::fmt::Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trace").field("info", &self.info()).finish()
    }
}
