//! Third-party readers (the spreadsheet, zip and PDF parsers) run on files anyone may hand us. A
//! panic inside one of them on a malformed file must become an error that names the file, not
//! end the process. [`contain`] runs such a call and turns its panic into the panic's message,
//! which the default panic hook then does not print (a panic anywhere else is reported as
//! before). Contain the parser's call only, never our own code around it: our bugs should still
//! stop the program loudly.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How many contained calls this thread is inside.
    static INSIDE: Cell<u32> = const { Cell::new(0) };
}

static HOOK: Once = Once::new();

/// Runs `read` (a call into a third-party parser); its panic becomes `Err(message)`. The value
/// `read` was working on must be dropped, not used again, after an `Err`.
pub fn contain<T>(read: impl FnOnce() -> T) -> Result<T, String> {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if INSIDE.with(Cell::get) == 0 {
                previous(info);
            }
        }));
    });
    INSIDE.with(|n| n.set(n.get() + 1));
    let out = panic::catch_unwind(AssertUnwindSafe(read));
    INSIDE.with(|n| n.set(n.get() - 1));
    out.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "an internal error".into())
    })
}

/// The message for a file whose reader failed inside: what to tell a person.
pub fn reader_failed(kind: &str, message: &str) -> String {
    format!("the {kind} reader failed on this file's content ({message}); the file is damaged or not what its name says")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_becomes_its_message_and_the_thread_goes_on() {
        let out: Result<u32, String> = contain(|| {
            let v: Vec<u32> = Vec::new();
            v[3]
        });
        let err = out.expect_err("the panic is contained");
        assert!(err.contains("index out of bounds"), "{err}");
        assert_eq!(contain(|| 7), Ok(7));
        assert_eq!(INSIDE.with(Cell::get), 0, "the count is back to zero");
    }

    #[test]
    fn contained_calls_nest() {
        let out = contain(|| contain(|| panic!("inner")).expect_err("inner"));
        assert_eq!(out, Ok("inner".to_string()));
    }
}
