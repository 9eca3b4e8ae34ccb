use rupture_sys as sys;
use std::ffi::{c_char, CStr};
use std::fmt;

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// A librupture error: the negative C code, with its enumerator name
/// (`rup_err_name`) and English message (`rup_strerror`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Error {
    code: i32,
}

/// What an [`Error`] is, by code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `RUP_ERR_INVALID_ARGUMENT`.
    InvalidArgument,
    /// `RUP_ERR_MALFORMED`: the packet was not valid; counted, the session stays usable.
    Malformed,
    /// `RUP_ERR_TIME_REGRESSION`: a time smaller than one already given.
    TimeRegression,
    /// `RUP_ERR_TOO_MANY_STREAMS`.
    TooManyStreams,
    /// `RUP_ERR_INVALID_STATE` (e.g. push after finish).
    InvalidState,
    /// `RUP_ERR_CALLBACK_FAILURE`.
    CallbackFailure,
    /// `RUP_ERR_NOT_FOUND`.
    NotFound,
    /// `RUP_ERR_VERSION`.
    Version,
    /// `RUP_ERR_IO`.
    Io,
    /// `RUP_ERR_FORMAT`.
    Format,
    /// `RUP_ERR_TRUNCATED`.
    Truncated,
    /// `RUP_ERR_UNSUPPORTED`.
    Unsupported,
    /// `RUP_ERR_NOMEM` (fatal).
    NoMem,
    /// `RUP_ERR_INTERNAL` (fatal).
    Internal,
    /// A code this binding does not know.
    Other(i32),
}

/// A C string with static storage as `&'static str` ("?" if not UTF-8).
///
/// # Safety
/// `p` must be NULL or a NUL-terminated string with static storage.
pub(crate) unsafe fn static_str(p: *const c_char) -> &'static str {
    if p.is_null() {
        return "";
    }
    CStr::from_ptr(p).to_str().unwrap_or("?")
}

impl Error {
    /// The error of a negative C return code.
    pub fn from_code(code: i32) -> Error {
        Error { code }
    }
    /// The C code (negative).
    pub fn code(&self) -> i32 {
        self.code
    }
    /// The enumerator name, e.g. `"RUP_ERR_TIME_REGRESSION"`.
    pub fn name(&self) -> &'static str {
        // SAFETY: thread-safe, returns a static string.
        unsafe { static_str(sys::rup_err_name(self.code)) }
    }
    /// The English message.
    pub fn message(&self) -> &'static str {
        // SAFETY: thread-safe, returns a static string.
        unsafe { static_str(sys::rup_strerror(self.code)) }
    }
    /// Whether the error is fatal for the object (only dropping it remains).
    pub fn is_fatal(&self) -> bool {
        // SAFETY: thread-safe, pure.
        unsafe { sys::rup_err_is_fatal(self.code) != 0 }
    }
    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        use ErrorKind::*;
        match self.code {
            sys::RUP_ERR_INVALID_ARGUMENT => InvalidArgument,
            sys::RUP_ERR_MALFORMED => Malformed,
            sys::RUP_ERR_TIME_REGRESSION => TimeRegression,
            sys::RUP_ERR_TOO_MANY_STREAMS => TooManyStreams,
            sys::RUP_ERR_INVALID_STATE => InvalidState,
            sys::RUP_ERR_CALLBACK_FAILURE => CallbackFailure,
            sys::RUP_ERR_NOT_FOUND => NotFound,
            sys::RUP_ERR_VERSION => Version,
            sys::RUP_ERR_IO => Io,
            sys::RUP_ERR_FORMAT => Format,
            sys::RUP_ERR_TRUNCATED => Truncated,
            sys::RUP_ERR_UNSUPPORTED => Unsupported,
            sys::RUP_ERR_NOMEM => NoMem,
            sys::RUP_ERR_INTERNAL => Internal,
            c => Other(c),
        }
    }
}

/// `Ok(rc)` for rc >= 0, the error otherwise.
pub(crate) fn check(rc: i32) -> Result<i32> {
    if rc < 0 {
        Err(Error::from_code(rc))
    } else {
        Ok(rc)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error {{ code: {}, name: {:?}, message: {:?} }}", self.code, self.name(), self.message())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message(), self.name())
    }
}

impl std::error::Error for Error {}
