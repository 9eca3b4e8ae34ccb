use crate::error::{check, Error, Result};
use rupture_sys as sys;
use std::ffi::{c_char, CString};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

/// A transport address (IPv4 or IPv6 and UDP port), or none.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Endpoint(pub(crate) sys::rup_endpoint);

impl Endpoint {
    /// Parse "a.b.c.d", "a.b.c.d:port", an IPv6 address or "[v6]:port"
    /// (`rup_endpoint_parse`; port 0 = any port).
    pub fn parse(text: &str) -> Result<Endpoint> {
        let c = CString::new(text).map_err(|_| Error::from_code(sys::RUP_ERR_INVALID_ARGUMENT))?;
        let mut ep = sys::rup_endpoint::default();
        // SAFETY: valid out-pointer and NUL-terminated string.
        check(unsafe { sys::rup_endpoint_parse(&mut ep, c.as_ptr()) })?;
        Ok(Endpoint(ep))
    }
    /// The IP address, `None` for an empty endpoint.
    pub fn ip(&self) -> Option<IpAddr> {
        let a = self.0.addr;
        match self.0.family {
            4 => Some(IpAddr::V4(Ipv4Addr::new(a[0], a[1], a[2], a[3]))),
            6 => Some(IpAddr::V6(Ipv6Addr::from(a))),
            _ => None,
        }
    }
    /// The UDP port (0 if none).
    pub fn port(&self) -> u16 {
        self.0.port
    }
    /// Whether no address is set (family 0).
    pub fn is_none(&self) -> bool {
        self.0.family == 0
    }
    /// The raw C value.
    pub fn as_raw(&self) -> &sys::rup_endpoint {
        &self.0
    }
}

impl From<SocketAddr> for Endpoint {
    fn from(a: SocketAddr) -> Endpoint {
        let mut ep = sys::rup_endpoint { port: a.port(), ..Default::default() };
        match a.ip() {
            IpAddr::V4(v4) => {
                ep.family = 4;
                ep.addr[..4].copy_from_slice(&v4.octets());
            }
            IpAddr::V6(v6) => {
                ep.family = 6;
                ep.addr = v6.octets();
            }
        }
        Endpoint(ep)
    }
}

impl FromStr for Endpoint {
    type Err = Error;
    fn from_str(s: &str) -> Result<Endpoint> {
        Endpoint::parse(s)
    }
}

/// "a.b.c.d:port", "[v6]:port", or "" for none (`rup_endpoint_format`).
impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0 as c_char; 64];
        // SAFETY: 64 bytes is always enough per the header; output NUL-terminated.
        let n = unsafe { sys::rup_endpoint_format(&self.0, buf.as_mut_ptr(), buf.len()) };
        if n <= 0 {
            return f.pad("");
        }
        let bytes: Vec<u8> = buf[..n as usize].iter().map(|&c| c as u8).collect();
        f.pad(&String::from_utf8_lossy(&bytes))
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({:?})", self.to_string())
    }
}
