use futures_playground::script::{boxed, join_all, spawn, yield_now, Error, Value};

async fn scenario() -> Result<(), Error> {
    let first = spawn(async move {
        println!("first 1");
        yield_now().await?;
        println!("first 2");
        yield_now().await?;
        println!("first 3");
        Ok::<_, Error>(Value::Null)
    });
    let second = spawn(async move {
        println!("second 1");
        yield_now().await?;
        println!("second 2");
        Ok::<_, Error>(Value::Null)
    });
    join_all(vec![boxed(first), boxed(second)]).await?;
    Ok(())
}
