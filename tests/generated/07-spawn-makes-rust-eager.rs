use std::time::Duration;

use futures_playground::script::{sleep_with, spawn, Error};

async fn scenario() -> Result<(), Error> {
    let a = spawn(sleep_with(Duration::from_millis(300), "a"));
    let b = spawn(sleep_with(Duration::from_millis(200), "b"));
    let background = spawn(sleep_with(Duration::from_millis(1000), "never awaited"));
    println!("{}", b.await?);
    println!("{}", a.await?);
    Ok(())
}
