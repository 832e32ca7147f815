use std::time::Duration;

use futures_playground::script::{sleep, Error, Value};

async fn scenario() -> Result<(), Error> {
    let task = async move {
        println!("inside, before the sleep");
        sleep(Duration::from_millis(100)).await?;
        println!("inside, after the sleep");
        Ok::<_, Error>(Value::from(42))
    };
    println!("after creating the block");
    let value = task.await?;
    println!("value: {value}");
    Ok(())
}
