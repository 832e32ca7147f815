use std::time::Duration;

use futures_playground::script::{fetch, sleep, Error};

async fn scenario() -> Result<(), Error> {
    let response = fetch("data:text/plain,hello");
    sleep(Duration::from_millis(200)).await?;
    let status = response.await?;
    println!("status {status}");
    Ok(())
}
