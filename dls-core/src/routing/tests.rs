//! Unit tests of the index against the pilot.

use super::*;
use crate::pilot;

#[test]
fn router_is_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Router>();
    let r = Router::new(&pilot::rules());
    let r2 = r.clone();
    assert!(Arc::ptr_eq(&r.0, &r2.0));
}
