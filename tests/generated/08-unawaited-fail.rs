use std::time::Duration;

use futures_playground::script::{fail, sleep, Error};

async fn scenario() -> Result<(), Error> {
    let oops = fail("nobody handles this");
    sleep(Duration::from_millis(50)).await?;
    println!("still running");
    Ok(())
}
