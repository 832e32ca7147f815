use std::time::Duration;

use futures_playground::script::{boxed, race, sleep, sleep_with, Error};

async fn scenario() -> Result<(), Error> {
    let winner = race(vec![
        boxed(sleep_with(Duration::from_millis(300), "slow")),
        boxed(sleep_with(Duration::from_millis(100), "fast")),
        boxed(sleep_with(Duration::from_millis(200), "medium")),
    ]).await?;
    println!("winner: {winner}");
    sleep(Duration::from_millis(400)).await?;
    println!("end");
    Ok(())
}
