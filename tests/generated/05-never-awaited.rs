use std::time::Duration;

use futures_playground::script::{sleep, sleep_with, Error};

async fn scenario() -> Result<(), Error> {
    let forgotten = sleep_with(Duration::from_millis(100), "nobody waits for me");
    sleep(Duration::from_millis(200)).await?;
    println!("main is done");
    Ok(())
}
