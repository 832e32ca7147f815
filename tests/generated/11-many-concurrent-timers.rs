use std::time::Duration;

use futures_playground::script::{sleep, spawn, Error};

async fn scenario() -> Result<(), Error> {
    for _ in 0..1000 {
        drop(spawn(sleep(Duration::from_millis(100))));
    }
    sleep(Duration::from_millis(400)).await?;
    println!("all fired");
    Ok(())
}
