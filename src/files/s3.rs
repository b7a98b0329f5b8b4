//! Files in an S3-compatible object store (Amazon S3, MinIO, Garage, Ceph…), for deployments
//! whose files outgrow one disk or that run several nodes. The same `Storage` trait as the
//! local disk: the rest of Suku does not know which one it has.

use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{GetOptions, ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};

use super::Storage;

/// A file larger than this is sent in parts, read from the disk as it goes.
const PART: usize = 8 * 1024 * 1024;

/// Where the store is and how to sign in to it (`SUKU_S3_*`); no bucket: the local disk.
#[derive(Clone, Debug, Default)]
pub struct S3Config {
    pub bucket: String,
    /// The service's address for a store other than Amazon's (`http://127.0.0.1:9000`).
    pub endpoint: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: crate::config::Secret,
}

#[derive(Debug)]
pub struct S3 {
    store: AmazonS3,
}

impl S3 {
    pub fn new(c: &S3Config) -> anyhow::Result<Self> {
        let mut b = AmazonS3Builder::new()
            .with_bucket_name(&c.bucket)
            .with_region(if c.region.is_empty() {
                "us-east-1"
            } else {
                &c.region
            })
            .with_access_key_id(&c.access_key_id)
            .with_secret_access_key(&c.secret_access_key.0);
        if !c.endpoint.is_empty() {
            b = b
                .with_endpoint(&c.endpoint)
                .with_allow_http(c.endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        Ok(S3 { store: b.build()? })
    }
}

fn path(key: &str) -> anyhow::Result<Path> {
    anyhow::ensure!(
        !key.is_empty()
            && key
                .split('/')
                .all(|p| !p.is_empty() && p != ".." && p != "."),
        "bad storage key"
    );
    Ok(Path::parse(key)?)
}

#[async_trait::async_trait]
impl Storage for S3 {
    async fn put(&self, key: &str, bytes: &[u8]) -> anyhow::Result<()> {
        self.store
            .put(&path(key)?, PutPayload::from(bytes.to_vec()))
            .await?;
        Ok(())
    }

    async fn get(&self, key: &str) -> anyhow::Result<Vec<u8>> {
        Ok(self.store.get(&path(key)?).await?.bytes().await?.to_vec())
    }

    async fn put_file(&self, key: &str, src: &std::path::Path) -> anyhow::Result<()> {
        use tokio::io::AsyncReadExt;
        let location = path(key)?;
        let size = tokio::fs::metadata(src).await?.len();
        if size <= PART as u64 {
            let bytes = tokio::fs::read(src).await?;
            self.store.put(&location, PutPayload::from(bytes)).await?;
        } else {
            let upload = self.store.put_multipart(&location).await?;
            let mut w = WriteMultipart::new_with_chunk_size(upload, PART);
            let mut file = tokio::fs::File::open(src).await?;
            let mut buf = vec![0u8; 1024 * 1024];
            loop {
                let n = file.read(&mut buf).await?;
                if n == 0 {
                    break;
                }
                w.wait_for_capacity(2).await?;
                w.write(&buf[..n]);
            }
            w.finish().await?;
        }
        tokio::fs::remove_file(src).await?;
        Ok(())
    }

    async fn stream(&self, key: &str) -> anyhow::Result<axum::body::Body> {
        let got = self.store.get(&path(key)?).await?;
        Ok(axum::body::Body::from_stream(got.into_stream()))
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    async fn size(&self, key: &str) -> anyhow::Result<u64> {
        Ok(self.store.head(&path(key)?).await?.size)
    }

    async fn stream_range(
        &self,
        key: &str,
        start: u64,
        end: u64,
    ) -> anyhow::Result<axum::body::Body> {
        let got = self
            .store
            .get_opts(&path(key)?, GetOptions::new().with_range(Some(start..end)))
            .await?;
        Ok(axum::body::Body::from_stream(got.into_stream()))
    }
}
