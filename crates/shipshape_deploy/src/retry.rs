//! Retries of requests the server asked to repeat (429) or failed on (5xx), with a
//! growing pause; every other answer is final.

use std::future::Future;
use std::time::Duration;

use crate::cluster::ApiResult;

/// How many times a request is sent at most.
pub const ATTEMPTS: u32 = 5;

/// The pause before the first retry; it doubles each time.
const FIRST_PAUSE: Duration = Duration::from_millis(200);

/// Runs `request` until it succeeds, fails for good, or failed [`ATTEMPTS`] times.
pub async fn retry<T, F, Fut>(mut request: F) -> ApiResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ApiResult<T>>,
{
    let mut pause = FIRST_PAUSE;
    let mut attempt = 1;
    loop {
        match request().await {
            Err(error) if error.is_transient() && attempt < ATTEMPTS => {
                tokio::time::sleep(pause).await;
                pause *= 2;
                attempt += 1;
            }
            result => return result,
        }
    }
}
