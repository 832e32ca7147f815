use std::time::Duration;

use futures_playground::script::{boxed, join_all, sleep_with, Error};

async fn scenario() -> Result<(), Error> {
    let a = sleep_with(Duration::from_millis(100), "a");
    let b = sleep_with(Duration::from_millis(100), "b");
    let c = sleep_with(Duration::from_millis(100), "c");
    println!("{} {} {}", a.await?, b.await?, c.await?);
    println!("sequential part done");
    let all = join_all(vec![
        boxed(sleep_with(Duration::from_millis(100), "x")),
        boxed(sleep_with(Duration::from_millis(100), "y")),
        boxed(sleep_with(Duration::from_millis(100), "z")),
    ]).await?;
    println!("{all}");
    Ok(())
}
