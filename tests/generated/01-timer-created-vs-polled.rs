use std::time::Duration;

use futures_playground::script::{sleep, Error};

async fn scenario() -> Result<(), Error> {
    let a = sleep(Duration::from_millis(300));
    let b = sleep(Duration::from_millis(200));
    b.await?;
    a.await?;
    println!("done");
    Ok(())
}
